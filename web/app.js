// The backqa page: search, the library's sources and one source, kept in the URL
// (`/?q=…`, `/?view=sources`, `/?source=ID&passage=ID`) so every state can be shared,
// reloaded and reached with back and forward.

import * as api from "./api.js";
import { el } from "./dom.js";
import { noticeBox, resultCard, sourceBody, sourceMeta, TOPIC_LABELS, topicChips } from "./render.js";

const $ = (id) => document.getElementById(id);
const BASE_TITLE = document.title;
const MAX_QUESTION_CHARS = 1000;

const ui = {
  views: { search: $("search-view"), sources: $("sources-view"), source: $("source-view") },
  form: $("search-form"),
  input: $("q"),
  examples: $("examples"),
  status: $("status"),
  notice: $("notice-area"),
  facets: $("facet-area"),
  results: $("results"),
  sourceList: $("source-list"),
  sourcesStatus: $("sources-status"),
  sourceTitle: $("source-title"),
  sourceMeta: $("source-meta"),
  sourceStatus: $("source-status"),
  sourceBody: $("source-body"),
};

/** Collapse whitespace; the service does the rest of the normalising. */
function cleanQuestion(text) {
  return String(text || "").replace(/\s+/g, " ").trim().slice(0, MAX_QUESTION_CHARS);
}

function readLocation() {
  const params = new URLSearchParams(window.location.search);
  if (params.get("source")) {
    return { view: "source", id: params.get("source"), passage: params.get("passage") };
  }
  if (params.get("view") === "sources") return { view: "sources" };
  const topic = params.get("topic");
  return { view: "search", q: cleanQuestion(params.get("q")), topic: TOPIC_LABELS[topic] ? topic : null };
}

function searchUrl(q, topic = null) {
  if (!q) return "/";
  const params = new URLSearchParams({ q });
  if (topic) params.set("topic", topic);
  return `/?${params}`;
}

let pending = null; // AbortController of the request whose answer the page is waiting for

function startRequest() {
  if (pending) pending.abort();
  pending = new AbortController();
  return pending;
}

function isAbort(error) {
  return error && error.name === "AbortError";
}

function showView(name) {
  for (const [key, node] of Object.entries(ui.views)) node.hidden = key !== name;
  for (const link of document.querySelectorAll("nav [data-nav]")) {
    const here = link.dataset.nav === name || (name === "source" && link.dataset.nav === "sources");
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/**
 * Render whatever the URL says. With `focus`, keyboard focus moves to the new view (the search
 * box, a heading, or the passage being shown); "initial" (page load) focuses only the search box.
 */
async function route(focus) {
  const where = readLocation();
  showView(where.view);
  if (where.view === "search") {
    ui.input.value = where.q;
    if (focus) ui.input.focus();
    await showSearch(where.q, where.topic);
  } else if (where.view === "sources") {
    document.title = `Sources · ${BASE_TITLE}`;
    if (focus === true) $("sources-title").focus();
    await showSources();
  } else {
    await showSource(where.id, where.passage, focus === true);
  }
}

function navigate(url, focus = true) {
  const target = new URL(url, window.location.href);
  const same = target.pathname + target.search === window.location.pathname + window.location.search;
  window.history[same ? "replaceState" : "pushState"](null, "", target.pathname + target.search);
  return route(focus);
}

// ---- search -----------------------------------------------------------------------------

function resetSearch() {
  if (pending) pending.abort();
  ui.status.replaceChildren();
  ui.notice.replaceChildren();
  ui.facets.replaceChildren();
  ui.results.replaceChildren();
  ui.results.removeAttribute("aria-busy");
  ui.results.classList.remove("is-loading");
  ui.examples.hidden = false;
  document.title = BASE_TITLE;
}

async function showSearch(q, topic = null) {
  if (!q) {
    resetSearch();
    return;
  }
  document.title = `${q} · ${BASE_TITLE}`;
  ui.examples.hidden = true;
  const request = startRequest();
  ui.status.replaceChildren(el("span", { class: "spinner", "aria-hidden": "true" }),
    `Searching the library for “${q}”…`);
  ui.results.setAttribute("aria-busy", "true");
  ui.results.classList.add("is-loading");
  let response;
  try {
    response = await api.search(q, request.signal, api.RESULTS_PER_PAGE, topic);
  } catch (error) {
    if (isAbort(error) || request !== pending) return;
    showSearchError(q, error, topic);
    return;
  } finally {
    if (request === pending) {
      ui.results.removeAttribute("aria-busy");
      ui.results.classList.remove("is-loading");
    }
  }
  if (request !== pending) return;
  showResponse(q, response, topic);
}

function showResponse(q, response, topic = null) {
  const results = Array.isArray(response.results) ? response.results : [];
  const notice = noticeBox(response.notice);
  ui.notice.replaceChildren(...(notice ? [notice] : []));
  const chips = topicChips(response.topic_counts, topic, (next) => navigate(searchUrl(q, next), false));
  ui.facets.replaceChildren(...(chips ? [chips] : []));
  if (topic && !response.no_match && results.length === 0) {
    ui.status.textContent = `No passages on ${TOPIC_LABELS[topic].toLowerCase()} for “${q}”.`;
    ui.results.replaceChildren(el("p", { class: "muted" }, "Choose “All topics” above to see every answer."));
    return;
  }
  if (response.no_match || results.length === 0) {
    ui.status.textContent = `Nothing in the library answers “${q}”.`;
    ui.results.replaceChildren(noMatchBox(q, results));
    return;
  }
  const count = `${results.length} answer${results.length === 1 ? "" : "s"}`;
  ui.status.textContent = `${count} for “${q}”, best first.`;
  ui.results.replaceChildren(
    el("h2", { class: "visually-hidden" }, `Answers for “${q}”`),
    el("ol", { class: "result-list" }, results.map((hit) => resultCard(hit, {
      sourceCount: response.source_count, sourceTitles: response.source_titles,
      question: feedbackOn ? q : null,
    }))));
}

// Whether to ask "did this answer your question?": only when the service records the answers.
let feedbackOn = false;

function exampleQuestions() {
  return [...ui.examples.querySelectorAll("button.example")].map((b) => b.textContent.trim());
}

function noMatchBox(q, weakResults) {
  const suggestions = el("ul", { class: "example-list" }, exampleQuestions().map((text) =>
    el("li", {}, el("button", { type: "button", class: "example" }, text))));
  return el("div", { class: "empty-state" },
    el("h2", {}, "The library has nothing on this question"),
    el("p", {}, "None of the articles or forum answers in backqa's library speaks to ",
      el("q", {}, q), ". Try rephrasing it in other words: say where it hurts, when it started, or what you were doing (for example “lower back aches after long runs”)."),
    el("p", {}, "Or try one of these:"),
    suggestions,
    weakResults.length
      ? [el("h3", {}, "The closest passages (they may not answer your question)"),
        el("ol", { class: "result-list" }, weakResults.map((hit) => resultCard(hit)))]
      : null);
}

function errorText(error) {
  if (!(error instanceof api.ApiError)) return `Something went wrong in the page: ${error}`;
  if (error.status === 0) return `${error.message} Check that backqa serve is running, then try again.`;
  if (error.status >= 500) return `The service had a problem (${error.status}): ${error.message}`;
  return `The service could not answer this question (${error.status}): ${error.message}`;
}

function showSearchError(q, error, topic = null) {
  ui.notice.replaceChildren();
  ui.facets.replaceChildren();
  ui.status.textContent = "The search did not work.";
  const retry = el("button", { type: "button", class: "primary" }, "Try again");
  retry.addEventListener("click", () => {
    ui.input.focus(); // the button is replaced by what the retry shows
    showSearch(q, topic);
  });
  ui.results.replaceChildren(el("div", { class: "error-box", role: "alert" },
    el("h2", {}, "The search did not work"),
    el("p", { class: "error-message" }, errorText(error)),
    retry));
}

// ---- sources ----------------------------------------------------------------------------

async function showSources() {
  const request = startRequest();
  ui.sourcesStatus.replaceChildren(el("span", { class: "spinner", "aria-hidden": "true" }), "Loading the library…");
  try {
    const data = await api.sources(request.signal);
    const list = Array.isArray(data.sources) ? data.sources : [];
    ui.sourceList.replaceChildren(...list.map(sourceItem));
    const articles = list.filter((s) => s.kind !== "forum-thread").length;
    const threads = list.length - articles;
    ui.sourcesStatus.textContent = `${articles} article${articles === 1 ? "" : "s"} and ` +
      `${threads} forum thread${threads === 1 ? "" : "s"}.`;
  } catch (error) {
    if (isAbort(error)) return;
    ui.sourceList.replaceChildren();
    ui.sourcesStatus.replaceChildren(el("span", { class: "inline-error", role: "alert" },
      `The library could not be loaded. ${errorText(error)}`));
  }
}

function sourceItem(source) {
  const href = `/?${new URLSearchParams({ source: source.id })}`;
  const count = Number.isInteger(source.passage_count)
    ? `${source.passage_count} passage${source.passage_count === 1 ? "" : "s"}` : null;
  return el("li", { class: "source-item" },
    el("a", { href, "data-nav": "source", class: "source-link" }, source.title),
    el("p", { class: "source-meta" }, sourceMeta(source), count ? el("span", {}, count) : null));
}

async function showSource(id, passageId, focus) {
  const request = startRequest();
  ui.sourceTitle.textContent = "Loading…";
  ui.sourceMeta.replaceChildren();
  ui.sourceBody.replaceChildren();
  ui.sourceStatus.replaceChildren(el("span", { class: "spinner", "aria-hidden": "true" }), "Loading the source…");
  let data;
  try {
    data = await api.source(id, request.signal);
  } catch (error) {
    if (isAbort(error)) return;
    ui.sourceTitle.textContent = "Source not available";
    ui.sourceStatus.replaceChildren(el("span", { class: "inline-error", role: "alert" }, errorText(error)));
    if (focus) ui.sourceTitle.focus();
    return;
  }
  document.title = `${data.title} · ${BASE_TITLE}`;
  ui.sourceTitle.textContent = data.title;
  ui.sourceMeta.replaceChildren(...sourceMeta(data).filter(Boolean));
  ui.sourceStatus.textContent = "";
  ui.sourceBody.replaceChildren(...sourceBody(data, { level: 2, currentId: passageId }));
  const current = passageId ? ui.sourceBody.querySelector(".current") : null;
  if (current) {
    current.scrollIntoView({ block: "center" });
    if (focus) current.focus({ preventScroll: true });
  } else if (focus) {
    ui.sourceTitle.focus();
  }
}

// ---- events -----------------------------------------------------------------------------

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = cleanQuestion(ui.input.value);
  if (!q) {
    ui.input.focus();
    return;
  }
  navigate(searchUrl(q), false);
});

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const example = target && target.closest("button.example");
  if (example) {
    navigate(searchUrl(cleanQuestion(example.textContent)), false);
    ui.input.focus();
    return;
  }
  const link = target && target.closest("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0 ||
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"), true);
});

window.addEventListener("popstate", () => route(true));

api.feedbackEnabled().then((enabled) => { feedbackOn = enabled; }).finally(() => route("initial"));
