// Results, notices, context panels and whole sources, built from API data as text nodes only.

import * as api from "./api.js";
import { el, safeHttpUrl, uid } from "./dom.js";

const KIND_LABELS = {
  article: "Article",
  "forum-question": "Forum question",
  "forum-answer": "Forum answer",
  "forum-thread": "Forum thread",
};

/** "Article", "Forum question", "Forum answer #3", "Forum thread". */
export function kindLabel(kind, answerNumber) {
  const label = KIND_LABELS[kind] || "Passage";
  return kind === "forum-answer" && Number.isInteger(answerNumber) ? `${label} #${answerNumber}` : label;
}

function kindBadge(kind, answerNumber) {
  const family = String(kind).startsWith("forum") ? "forum" : "article";
  return el("span", { class: `kind kind-${family}` }, kindLabel(kind, answerNumber));
}

/** Where in its source a passage sits: part title and headings, without repeating the title. */
export function sectionLabel(passage, sourceTitle) {
  const parts = [];
  const path = Array.isArray(passage.heading_path) ? passage.heading_path : [];
  if (passage.part_title && !path.includes(passage.part_title)) parts.push(passage.part_title);
  parts.push(...path);
  if (!parts.length && passage.section) parts.push(passage.section);
  return parts.filter((p) => p && p !== sourceTitle).join(" › ");
}

/** Python string offsets count code points; JavaScript strings count UTF-16 units. */
export function codePointToUtf16(text, offset) {
  let index = 0;
  for (let seen = 0; seen < offset && index < text.length; seen += 1) {
    index += text.codePointAt(index) > 0xffff ? 2 : 1;
  }
  return index;
}

/** [start, end) of the best sentence in `text`, in JavaScript offsets, or null. */
export function highlightRange(text, hit) {
  const { highlight, highlight_start: start, highlight_end: end } = hit;
  if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start) {
    const a = codePointToUtf16(text, start);
    const b = codePointToUtf16(text, end);
    if (b <= text.length && (!highlight || text.slice(a, b) === highlight)) return [a, b];
  }
  if (highlight) {
    const at = text.indexOf(highlight);
    if (at >= 0) return [at, at + highlight.length];
  }
  return null;
}

/** The passage text as nodes, the best sentence inside a <mark>. */
function markedText(text, range) {
  if (!range) return [text];
  const [a, b] = range;
  return [text.slice(0, a), el("mark", {}, text.slice(a, b)), text.slice(b)];
}

function disclosure(label, panel, onFirstOpen) {
  const button = el("button", {
    type: "button", class: "disclosure", "aria-expanded": "false", "aria-controls": panel.id,
  }, el("span", { class: "disclosure-icon", "aria-hidden": "true" }), el("span", {}, label));
  let opened = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (open && !opened) {
      opened = true;
      onFirstOpen(() => { opened = false; });
    }
  });
  return button;
}

function loadingLine(text) {
  return el("p", { class: "muted loading-line" }, el("span", { class: "spinner", "aria-hidden": "true" }), text);
}

function inlineError(error) {
  return el("p", { class: "inline-error", role: "alert" },
    `Could not load this: ${error.message}`, " ",
    el("button", { type: "button", class: "link-button" }, "Try again"));
}

async function fill(panel, load, build, onFail) {
  panel.replaceChildren(loadingLine("Loading…"));
  panel.setAttribute("aria-busy", "true");
  try {
    const data = await load();
    panel.replaceChildren(...build(data));
  } catch (error) {
    const message = inlineError(error);
    message.querySelector("button").addEventListener("click", () => {
      fill(panel, load, build, onFail);
    });
    panel.replaceChildren(message);
    onFail();
  } finally {
    panel.removeAttribute("aria-busy");
  }
}

function sourceLinkHref(sourceId, passageId) {
  const params = new URLSearchParams({ source: sourceId });
  if (passageId) params.set("passage", passageId);
  return `/?${params}`;
}

export const TOPIC_LABELS = {
  cause: "Causes",
  treatment: "Treatment",
  prevention: "Prevention",
  "when-to-see-a-doctor": "When to see a doctor",
  "personal-experience": "Personal experience",
};

/**
 * Filter chips for the question's topics (`topic_counts`), "All topics" first; `current` is the
 * topic shown now and `choose(topic | null)` switches. Null when there are no counts.
 */
export function topicChips(counts, current, choose) {
  const known = counts && typeof counts === "object"
    ? Object.keys(TOPIC_LABELS).filter((t) => Number.isInteger(counts[t]) && counts[t] > 0) : [];
  if (!known.length) return null;
  const chip = (topic, label) => {
    const button = el("button", {
      type: "button", class: "chip", "aria-pressed": String((current || null) === topic),
      "data-topic": topic || "",
    }, label);
    button.addEventListener("click", () => choose(topic));
    return el("li", {}, button);
  };
  return el("nav", { class: "topic-chips", "aria-label": "Filter the answers by topic" },
    el("ul", {}, chip(null, "All topics"),
      known.map((t) => chip(t, `${TOPIC_LABELS[t]} (${counts[t]})`))));
}

/** "Said by N of M sources", the names behind a button (only when another source agrees). */
function agreementLine(hit, { sourceCount, sourceTitles } = {}) {
  const ids = Array.isArray(hit.agreeing_sources) ? hit.agreeing_sources : [];
  if (ids.length < 2 || !Number.isInteger(sourceCount) || sourceCount < ids.length) return null;
  const titles = sourceTitles && typeof sourceTitles === "object" ? sourceTitles : {};
  const panel = el("ul", { class: "agreeing-sources", id: uid("agreeing"), hidden: true });
  const button = disclosure(`Said by ${ids.length} of ${sourceCount} sources`, panel, () => {
    panel.replaceChildren(...ids.map((id, i) => el("li", {},
      el("a", { href: sourceLinkHref(id, null), "data-nav": "source" },
        i === 0 ? hit.source.title : (typeof titles[id] === "string" ? titles[id] : id)),
      i === 0 ? el("span", { class: "muted" }, " (this answer)") : null)));
  });
  button.classList.add("agreement");
  return { button, panel };
}

/** One ranked answer: source title, kind and section, passage with its best sentence marked. */
export function resultCard(hit, extras = {}) {
  const titleId = uid("result-title");
  const contextPanel = el("div", { class: "context", id: uid("context"), hidden: true });
  const section = sectionLabel(hit, hit.source.title);
  const similar = hit.similar_count > 0
    ? el("span", { class: "similar" },
      `${hit.similar_count} similar passage${hit.similar_count === 1 ? "" : "s"} say${hit.similar_count === 1 ? "s" : ""} much the same`)
    : null;
  const agreement = agreementLine(hit, extras);
  const contextButton = disclosure("Show in context", contextPanel, (reset) => {
    fill(contextPanel, () => api.passage(hit.passage_id), (data) => contextView(data, hit), reset);
  });
  return el("li", { class: "result" },
    el("article", { "aria-labelledby": titleId },
      el("h3", { class: "result-title", id: titleId },
        el("a", { href: sourceLinkHref(hit.source.id, hit.passage_id), "data-nav": "source" },
          hit.source.title)),
      el("p", { class: "result-meta" }, kindBadge(hit.kind, hit.answer_number),
        section ? el("span", { class: "section" }, section) : null,
        (Array.isArray(hit.topics) ? hit.topics : []).filter((t) => TOPIC_LABELS[t])
          .map((t) => el("span", { class: "topic-tag" }, TOPIC_LABELS[t]))),
      el("p", { class: "passage" }, markedText(hit.text, highlightRange(hit.text, hit))),
      el("div", { class: "result-actions" }, contextButton, agreement && agreement.button, similar),
      agreement && agreement.panel,
      contextPanel,
      extras.question ? feedbackBox(extras.question, hit.passage_id) : null));
}

/** "Did this answer your question?" with Yes and No; the answer goes to the service once. */
export function feedbackBox(question, passageId) {
  const labelId = uid("feedback-label");
  const said = el("p", { class: "feedback-said", role: "status" });
  const choice = (helpful, label) => {
    const button = el("button", { type: "button", class: "feedback-button" }, label);
    button.addEventListener("click", async () => {
      for (const b of group.querySelectorAll("button")) b.disabled = true;
      button.setAttribute("aria-pressed", "true");
      try {
        await api.sendFeedback(question, passageId, helpful);
        said.textContent = "Thank you: your answer helps improve the library.";
      } catch (error) {
        said.textContent = `Your answer could not be sent: ${error.message}`;
        for (const b of group.querySelectorAll("button")) b.disabled = false;
        button.removeAttribute("aria-pressed");
      }
    });
    return button;
  };
  const group = el("div", { class: "feedback", role: "group", "aria-labelledby": labelId },
    el("span", { id: labelId, class: "feedback-question" }, "Did this answer your question?"),
    choice(true, "Yes"), choice(false, "No"));
  return el("div", { class: "feedback-area" }, group, said);
}

const NEIGHBOURS_SHOWN = 2;

/** The passage between its neighbours in the same section, and a way to the whole source. */
function contextView(data, hit) {
  const { passage, source } = data;
  const before = Array.isArray(data.before) ? data.before : [];
  const after = Array.isArray(data.after) ? data.after : [];
  const shownBefore = before.slice(-NEIGHBOURS_SHOWN);
  const shownAfter = after.slice(0, NEIGHBOURS_SHOWN);
  const section = sectionLabel(passage, source.title);
  const where = [kindLabel(passage.kind, passage.answer_number), section].filter(Boolean).join(" · ");
  const items = [
    ...shownBefore.map((p) => el("p", { class: "ctx-passage" }, p.text)),
    el("p", { class: "ctx-passage current" },
      el("span", { class: "visually-hidden" }, "The passage found: "),
      markedText(passage.text, passage.text === hit.text ? highlightRange(hit.text, hit) : null)),
    ...shownAfter.map((p) => el("p", { class: "ctx-passage" }, p.text)),
  ];
  const more = before.length - shownBefore.length + after.length - shownAfter.length;
  const noun = source.kind === "forum-thread" ? "thread" : "article";
  const wholePanel = el("div", { class: "whole-source", id: uid("whole"), hidden: true });
  const wholeButton = disclosure(`Show the whole ${noun}`, wholePanel, (reset) => {
    fill(wholePanel, () => api.source(source.id), (full) => {
      const region = el("div", {
        class: "whole-source-scroll", tabindex: "0", role: "region",
        "aria-label": `The whole ${noun}: ${full.title}`,
      }, sourceBody(full, { level: 4, currentId: passage.id, currentRange: highlightRange(hit.text, hit) }));
      requestAnimationFrame(() => {
        const current = region.querySelector(".current");
        if (current) region.scrollTop = Math.max(0, current.offsetTop - 56);
      });
      return [region];
    }, reset);
  });
  const alone = before.length === 0 && after.length === 0;
  // A passage that is its whole section has no neighbours to show: open the whole source.
  if (alone) wholeButton.click();
  return [
    el("p", { class: "ctx-where" }, `In “${source.title}”`, where ? ` · ${where}` : ""),
    alone
      ? el("p", { class: "muted" }, `This passage is the whole of its section; here it is within the whole ${noun}.`)
      : el("div", { class: "ctx-passages" }, items),
    more > 0 ? el("p", { class: "muted" }, `${more} more passage${more === 1 ? "" : "s"} in this section.`) : null,
    el("div", { class: "result-actions" }, wholeButton,
      el("a", { href: sourceLinkHref(source.id, passage.id), "data-nav": "source", class: "quiet-link" },
        `Open the ${noun} on its own page`)),
    wholePanel,
  ].filter(Boolean);
}

/** Headings for one section: forum question/answer or article part, then its subheadings. */
function sectionHeadings(section, docTitle) {
  const path = Array.isArray(section.heading_path) ? section.heading_path.filter(Boolean) : [];
  if (section.kind === "forum-question") return { top: "Question", sub: path.join(" › ") };
  if (section.kind === "forum-answer") {
    const n = Number.isInteger(section.answer_number) ? ` #${section.answer_number}` : "";
    return { top: `Answer${n}`, sub: path.join(" › ") };
  }
  if (section.part_title && path[0] === section.part_title) {
    return { top: section.part_title === docTitle ? null : section.part_title, sub: path.slice(1).join(" › ") };
  }
  const joined = path.join(" › ");
  return { top: joined === docTitle ? null : joined, sub: "" };
}

/**
 * A whole cleaned source, section by section. `currentId` marks the passage the reader came
 * from (with `currentRange` as its best sentence).
 */
export function sourceBody(data, { level = 2, currentId = null, currentRange = null } = {}) {
  const passages = Array.isArray(data.passages) ? data.passages : [];
  const byId = new Map(passages.map((p) => [p.id, p]));
  const used = new Set();
  const nodes = [];
  const heading = (depth, text) => el(`h${Math.min(6, level + depth)}`, { class: "src-heading" }, text);
  let lastTop = null;
  for (const section of Array.isArray(data.sections) ? data.sections : []) {
    const ids = Array.isArray(section.passage_ids) ? section.passage_ids
      : passages.filter((p) => p.section_ordinal === section.ordinal).map((p) => p.id);
    const members = ids.map((id) => byId.get(id)).filter(Boolean);
    if (!members.length) continue;
    const { top, sub } = sectionHeadings(section, data.title);
    if (top && top !== lastTop) nodes.push(heading(0, top));
    lastTop = top;
    if (sub) nodes.push(heading(1, sub));
    for (const p of members) {
      used.add(p.id);
      const isCurrent = p.id === currentId;
      nodes.push(el("p", {
        class: isCurrent ? "src-passage current" : "src-passage",
        "data-passage-id": p.id, tabindex: isCurrent ? "-1" : null,
      }, isCurrent ? el("span", { class: "visually-hidden" }, "The passage found: ") : null,
      markedText(p.text, isCurrent ? currentRange : null)));
    }
  }
  for (const p of passages) {
    if (!used.has(p.id)) nodes.push(el("p", { class: "src-passage" }, p.text));
  }
  if (!nodes.length && typeof data.text === "string") {
    for (const block of data.text.split(/\n\s*\n/)) {
      if (block.trim()) nodes.push(el("p", { class: "src-passage" }, block.trim()));
    }
  }
  return nodes;
}

/** Source kind, path, date and original address for the source page. */
export function sourceMeta(data) {
  const url = safeHttpUrl(data.url);
  const date = typeof data.ingested_at === "string" ? data.ingested_at.slice(0, 10) : null;
  return [
    kindBadge(data.kind, null),
    el("span", { class: "path" }, data.path),
    date ? el("span", {}, `added ${date}`) : null,
    url ? el("a", { href: url, rel: "noopener noreferrer nofollow", class: "quiet-link" }, "original page") : null,
  ];
}

const URGENT_NOTICE = /urgent|emergency|red.?flag|danger|crisis|immediate/i;

/** The medical notice the service attaches to some answers (`{kind, message, triggers, passages}`). */
export function noticeBox(notice) {
  if (!notice || typeof notice !== "object") return null;
  const urgent = URGENT_NOTICE.test(String(notice.kind || ""));
  const titleId = uid("notice-title");
  const triggers = Array.isArray(notice.triggers)
    ? notice.triggers.filter((t) => typeof t === "string" && t) : [];
  const passages = Array.isArray(notice.passages) ? notice.passages : [];
  const list = el("ul", { class: "notice-passages" });
  for (const item of passages) {
    if (item && typeof item === "object" && typeof item.text === "string") {
      list.append(noticePassage(item));
    } else if (typeof item === "string" && item) {
      const li = el("li", {}, loadingLine("Loading…"));
      list.append(li);
      api.passage(item).then(
        (data) => li.replaceWith(noticePassage({ ...data.passage, source: data.source })),
        () => li.remove());
    }
  }
  return el("aside", {
    class: `notice ${urgent ? "notice-urgent" : "notice-info"}`,
    role: urgent ? "alert" : "note", "aria-labelledby": titleId,
  },
  el("h2", { class: "notice-title", id: titleId }, urgent ? "Please read this first" : "A note on your question"),
  typeof notice.message === "string" ? el("p", {}, notice.message) : null,
  triggers.length ? el("p", { class: "notice-triggers" }, "Because your question mentions: ",
    triggers.map((t, i) => [i ? ", " : "", el("q", {}, t)])) : null,
  list.childElementCount || passages.length ? list : null);
}

function noticePassage(item) {
  const title = item.source && typeof item.source === "object" ? item.source.title : item.title;
  return el("li", {}, el("p", {}, item.text),
    typeof title === "string" && title ? el("p", { class: "muted" }, `From “${title}”`) : null);
}
