// The workbench's views of API data: the library, an inspect report, jobs and the gaps report,
// built as text nodes only (dom.js).

import { el, uid } from "./dom.js";
import { kindLabel } from "./render.js";

/** A table in a region that scrolls sideways on a narrow screen (and can be reached by Tab). */
export function dataTable(caption, headers, rows) {
  const table = el("table", { class: "data-table" },
    el("caption", { class: "visually-hidden" }, caption),
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) =>
      i === 0 ? el("th", { scope: "row" }, c) : el("td", {}, c))))));
  return el("div", { class: "table-scroll", role: "region", "aria-label": caption, tabindex: "0" }, table);
}

function day(text) {
  return typeof text === "string" ? text.replace("T", " ").replace(/\+00:00$/, " UTC") : "";
}

function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/** The sources of the live index: title, kind, passages and when each was ingested. */
export function libraryView(data) {
  const sources = Array.isArray(data.sources) ? data.sources : [];
  const passages = sources.reduce((sum, s) => sum + (Number.isInteger(s.passage_count) ? s.passage_count : 0), 0);
  return {
    summary: `${plural(sources.length, "source")}, ${plural(passages, "passage")}, index version ${data.index_version}.`,
    nodes: [dataTable("Sources in the live index", ["Title", "Kind", "Passages", "Ingested", "Id"],
      sources.map((s) => [s.title, kindLabel(s.kind, null), String(s.passage_count), day(s.ingested_at),
        el("code", {}, s.id)]))],
  };
}

function treeList(nodes) {
  return el("ul", { class: "tree" }, nodes.map((node) => el("li", {},
    el("span", { class: `tree-kind tree-${node.kind}` }, node.kind), " ", node.label,
    el("span", { class: "muted" }, ` · ${plural(node.passages, "passage")}`),
    Array.isArray(node.children) && node.children.length ? treeList(node.children) : null)));
}

function droppedView(dropped) {
  if (!dropped.length) return el("p", { class: "muted" }, "Nothing was dropped.");
  return dataTable("Lines dropped by cleaning", ["Line", "Rule", "Text"],
    dropped.map((d) => [Number.isInteger(d.line) ? String(d.line) : "–", el("code", {}, d.rule),
      el("span", { class: "dropped-text" }, d.text)]));
}

function passageItem(p) {
  const where = Array.isArray(p.heading_path) && p.heading_path.length ? p.heading_path.join(" › ") : "(no heading)";
  const topics = Array.isArray(p.topics) && p.topics.length ? p.topics.join(", ") : "no topic";
  return el("li", { class: "inspect-passage" },
    el("p", { class: "inspect-passage-meta" },
      el("strong", {}, `#${p.number}`), ` ${where} · ${kindLabel(p.kind, null)} · ${plural(p.words, "word")} · ${topics}`,
      Number.isInteger(p.duplicate_group) && p.duplicate_group !== p.number
        ? el("span", { class: "dup-badge" }, ` near-duplicate of #${p.duplicate_group}`) : null),
    el("p", { class: "inspect-passage-text" }, p.text));
}

function documentView(doc, level) {
  const h = (text) => el(`h${level}`, {}, text);
  const dropped = Array.isArray(doc.dropped) ? doc.dropped : [];
  const passages = Array.isArray(doc.passages) ? doc.passages : [];
  return el("article", { class: "inspect-document", "aria-label": `Inspect report: ${doc.title}` },
    el("h3", {}, doc.title),
    el("dl", { class: "facts" },
      el("dt", {}, "Kind"), el("dd", {}, kindLabel(doc.kind, null)),
      el("dt", {}, "Format"), el("dd", {}, doc.format),
      el("dt", {}, "Source id"), el("dd", {}, el("code", {}, doc.source_id)),
      el("dt", {}, "Passages"), el("dd", {}, String(passages.length)),
      el("dt", {}, "Lines dropped"), el("dd", {}, String(dropped.length))),
    h(`Dropped (${dropped.length})`), droppedView(dropped),
    h("Structure"), Array.isArray(doc.tree) && doc.tree.length ? treeList(doc.tree)
      : el("p", { class: "muted" }, "No sections."),
    h(`Passages (${passages.length})`), el("ol", { class: "inspect-passages" }, passages.map(passageItem)));
}

/** What ingest would make of an upload: per document its dropped lines, tree and passages. */
export function inspectView(report) {
  const docs = Array.isArray(report.documents) ? report.documents : [];
  const problems = Array.isArray(report.problems) ? report.problems : [];
  const groups = Array.isArray(report.duplicate_groups) ? report.duplicate_groups : [];
  return [
    problems.length ? el("div", { class: "error-box", role: "alert" },
      el("h3", {}, report.failed ? "Ingest would skip this file" : "Problems"),
      el("ul", {}, problems.map((p) => el("li", {},
        `${p.path}${Number.isInteger(p.line) ? `:${p.line}` : ""}: ${p.message}`)))) : null,
    ...docs.map((doc) => documentView(doc, 4)),
    el("p", { class: "muted" }, groups.length
      ? `Near-duplicate groups (passage numbers): ${groups.map((g) => g.join(", ")).join(" · ")}.`
      : "No near-duplicate passages.",
    report.duplicates_by ? ` Duplicates by ${report.duplicates_by}; topics by ${report.topics_by}.` : ""),
  ].filter(Boolean);
}

const STATE_LABELS = { queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed" };

/** One line on a job: its stage and how far it got. */
export function jobProgressText(job) {
  const stage = job.stage || job.state;
  return job.total > 0 ? `${stage}: ${job.done} of ${job.total}` : `${stage}…`;
}

function jobOutcome(job) {
  if (job.error) return job.error;
  const summary = job.summary && typeof job.summary === "object" ? job.summary : null;
  if (!summary) return job.state === "running" ? jobProgressText(job) : "";
  return summary.version ? `published ${summary.version}` : "nothing changed";
}

/** The recent reindex jobs, newest first. */
export function jobsView(jobs) {
  if (!jobs.length) return [el("p", { class: "muted" }, "No reindex job yet.")];
  return [dataTable("Recent reindex jobs", ["Submitted", "State", "Outcome", "Finished", "Job"],
    jobs.map((j) => [day(j.submitted_at), el("span", { class: `job-state job-${j.state}` }, STATE_LABELS[j.state] || j.state),
      jobOutcome(j), day(j.finished_at), el("code", {}, j.id)]))];
}

function questionTable(caption, rows, countLabel) {
  if (!rows.length) return el("p", { class: "muted" }, "None yet.");
  return dataTable(caption, ["Question", countLabel, "Asked", "No match", "Best cosine", "Last seen"],
    rows.map((r) => [r.question, String(r.count), String(r.searches), String(r.no_match),
      r.best_score === null || r.best_score === undefined ? "–" : r.best_score.toFixed(2), day(r.last_seen)]));
}

const EXCERPT_CHARS = 140;

/** A passage marked unhelpful: a link to it in its source, or its id when no longer indexed. */
function passageCell(p) {
  if (typeof p.source_id !== "string" || typeof p.text !== "string") {
    return [el("code", {}, p.passage_id), el("span", { class: "muted" }, " (no longer in the index)")];
  }
  const excerpt = p.text.length > EXCERPT_CHARS ? `${p.text.slice(0, EXCERPT_CHARS - 1)}…` : p.text;
  return [el("a", { href: `/?${new URLSearchParams({ source: p.source_id, passage: p.passage_id })}` }, p.source_title),
    el("span", { class: "passage-excerpt" }, excerpt)];
}

/** The gaps report: failed questions, frequent questions, passages marked unhelpful. */
export function gapsView(report) {
  const gapsId = uid("gaps");
  const passages = Array.isArray(report.unhelpful_passages) ? report.unhelpful_passages : [];
  return [
    el("p", {}, `${plural(report.searches, "search", "searches")} logged`,
      report.since ? ` since ${day(report.since)}` : "", `, kept ${report.retention_days} days.`),
    el("h3", { id: gapsId }, "Content gaps"),
    el("p", { class: "muted" }, `Questions answered with no match, nothing, or only passages whose best cosine is below ${report.weak_below}.`),
    questionTable("Content gaps", Array.isArray(report.gaps) ? report.gaps : [], "Failed"),
    el("h3", {}, "Most frequent questions"),
    questionTable("Most frequent questions", Array.isArray(report.top_questions) ? report.top_questions : [], "Count"),
    el("h3", {}, "Passages marked unhelpful"),
    passages.length
      ? dataTable("Passages marked unhelpful", ["Passage", "Unhelpful", "Helpful", "For questions", "Last seen"],
        passages.map((p) => [passageCell(p), String(p.unhelpful), String(p.helpful),
          (Array.isArray(p.questions) ? p.questions : []).join("; "), day(p.last_seen)]))
      : el("p", { class: "muted" }, "None yet."),
  ];
}
