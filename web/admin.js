// The maintainer's workbench at /admin: the library, add an article (inspect, then publish),
// reindex with live progress and the job history, and the gaps report. The admin token is
// entered once and kept in this tab's sessionStorage; it is only ever sent in a header.

import * as api from "./api.js";
import { el } from "./dom.js";
import { gapsView, inspectView, jobProgressText, jobsView, libraryView } from "./admin-render.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "backqa.adminToken";
const POLL_MS = 400;

const ui = {
  tokenForm: $("token-form"), tokenInput: $("token"), tokenKept: $("token-kept"),
  tokenStatus: $("token-status"), workbench: $("workbench"),
  libraryStatus: $("library-status"), libraryTable: $("library-table"),
  uploadForm: $("upload-form"), inspectButton: $("inspect-button"), publishButton: $("publish-button"),
  uploadStatus: $("upload-status"), report: $("inspect-report"),
  reindexButton: $("reindex-button"), rebuild: $("reindex-rebuild"), reindexStatus: $("reindex-status"),
  progress: $("job-progress"), bar: $("job-bar"), jobLabel: $("job-label"), jobText: $("job-text"),
  history: $("job-history"), gapsStatus: $("gaps-status"), gaps: $("gaps-report"),
};

const token = () => sessionStorage.getItem(TOKEN_KEY) || "";

function busy(node, text) {
  node.replaceChildren(el("span", { class: "spinner", "aria-hidden": "true" }), text);
}

function failure(node, error, what) {
  const text = error instanceof api.ApiError
    ? (error.status === 0 ? error.message : `${what} (${error.status}): ${error.message}`)
    : `${what}: ${error}`;
  node.replaceChildren(el("span", { class: "inline-error", role: "alert" }, text));
}

class SignedOut extends Error {}

/** An admin request with the kept token; a refused token signs the tab out. */
async function admin(path, options = {}) {
  try {
    return await api.requestJson(path, {
      ...options, headers: { ...options.headers, Authorization: `Bearer ${token()}` },
    });
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      signOut("The server refused this token: enter it again.");
      throw new SignedOut();
    }
    throw error;
  }
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  ui.workbench.hidden = true;
  ui.tokenForm.hidden = false;
  ui.tokenKept.hidden = true;
  ui.tokenStatus.textContent = message;
}

async function signIn() {
  busy(ui.tokenStatus, "Checking the token…");
  let jobs;
  try {
    jobs = await admin("/api/admin/jobs");
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) {
      signOut("The admin routes are off: start backqa serve with BACKQA_ADMIN_TOKEN set.");
    } else if (!(error instanceof SignedOut)) {
      failure(ui.tokenStatus, error, "The token could not be checked");
    }
    return;
  }
  ui.tokenStatus.textContent = "";
  ui.tokenForm.hidden = true;
  ui.tokenKept.hidden = false;
  ui.workbench.hidden = false;
  showJobs(jobs);
  const running = (jobs.jobs || []).find((j) => j.state === "queued" || j.state === "running");
  if (running) followJob(running);
  await Promise.all([loadLibrary(), loadGaps()]);
}

// ---- the library ------------------------------------------------------------------------

async function loadLibrary() {
  busy(ui.libraryStatus, "Loading the library…");
  try {
    const view = libraryView(await api.requestJson("/api/sources"));
    ui.libraryStatus.textContent = view.summary;
    ui.libraryTable.replaceChildren(...view.nodes);
  } catch (error) {
    ui.libraryTable.replaceChildren();
    failure(ui.libraryStatus, error, "The library could not be loaded");
  }
}

// ---- add an article: inspect, then publish ----------------------------------------------

let inspected = null; // the FormData whose report is shown, until the form changes

function uploadData() {
  const data = new FormData();
  const form = ui.uploadForm.elements;
  data.append("file", form.file.files[0]);
  for (const name of ["title", "kind", "url", "published"]) {
    const value = form[name].value.trim();
    if (value) data.append(name, value);
  }
  if (form.replace.checked) data.append("replace", "true");
  return data;
}

async function inspect() {
  if (!ui.uploadForm.reportValidity()) return;
  const data = uploadData();
  inspected = null;
  ui.publishButton.disabled = true;
  ui.report.replaceChildren();
  busy(ui.uploadStatus, "Inspecting the file…");
  try {
    const report = await admin("/api/admin/inspect", { method: "POST", body: data });
    ui.report.replaceChildren(...inspectView(report));
    const passages = (report.documents || []).reduce((n, d) => n + (d.passages || []).length, 0);
    const dropped = (report.documents || []).reduce((n, d) => n + (d.dropped || []).length, 0);
    if (report.failed) {
      ui.uploadStatus.textContent = "Ingest would skip this file: see the problems below.";
      return;
    }
    inspected = data;
    ui.publishButton.disabled = false;
    ui.uploadStatus.textContent = `Inspected: ${passages} passages kept, ${dropped} lines dropped. Publish when it looks right.`;
  } catch (error) {
    if (!(error instanceof SignedOut)) failure(ui.uploadStatus, error, "The file could not be inspected");
  }
}

async function publish() {
  if (!inspected) return;
  const data = inspected;
  ui.publishButton.disabled = true;
  busy(ui.uploadStatus, "Adding the file to the library…");
  try {
    const change = await admin("/api/admin/sources", { method: "POST", body: data });
    inspected = null;
    const done = change.action === "replaced" ? "Replaced" : "Added";
    if (change.job) {
      ui.uploadStatus.textContent = `${done} ${change.source_id} in the library; the reindex below publishes it.`;
      followJob(change.job);
    } else {
      ui.uploadStatus.textContent = `${done} ${change.source_id} in the library. ${change.note || "Reindex to publish it."}`;
    }
  } catch (error) {
    if (error instanceof SignedOut) return;
    failure(ui.uploadStatus, error, "The file was not added");
    ui.publishButton.disabled = false;
  }
}

// ---- reindex and the job history --------------------------------------------------------

let following = null;

async function reindex() {
  ui.reindexButton.disabled = true;
  busy(ui.reindexStatus, "Starting a reindex…");
  try {
    const job = await admin("/api/admin/reindex", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rebuild: ui.rebuild.checked }),
    });
    followJob(job);
  } catch (error) {
    ui.reindexButton.disabled = false;
    if (!(error instanceof SignedOut)) failure(ui.reindexStatus, error, "The reindex did not start");
  }
}

function showProgress(job) {
  ui.progress.hidden = false;
  ui.jobLabel.textContent = `Reindex job ${job.id}`;
  if (job.total > 0) {
    ui.bar.max = job.total;
    ui.bar.value = Math.min(job.done, job.total);
  } else {
    ui.bar.removeAttribute("value"); // indeterminate until the stage is counted
  }
  ui.jobText.textContent = jobProgressText(job);
}

/** Show a job's progress until it finishes, then its outcome, the history and the library. */
async function followJob(job) {
  following = job.id;
  ui.reindexButton.disabled = true;
  ui.reindexStatus.textContent = "Reindexing…";
  loadJobs();
  let current = job;
  while (current.state === "queued" || current.state === "running") {
    showProgress(current);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (following !== job.id) return;
    try {
      current = await admin(`/api/admin/jobs/${encodeURIComponent(job.id)}`);
    } catch (error) {
      if (!(error instanceof SignedOut)) failure(ui.reindexStatus, error, "The job could not be followed");
      ui.reindexButton.disabled = false;
      return;
    }
  }
  following = null;
  ui.progress.hidden = true;
  ui.reindexButton.disabled = false;
  const version = current.summary && current.summary.version;
  ui.reindexStatus.textContent = current.state === "succeeded"
    ? (version ? `Published index version ${version}.` : "Done: nothing had changed.")
    : `The reindex failed: ${current.error || "no details given"}`;
  await Promise.all([loadJobs(), loadLibrary()]);
}

function showJobs(data) {
  ui.history.replaceChildren(...jobsView(Array.isArray(data.jobs) ? data.jobs : []));
}

async function loadJobs() {
  try {
    showJobs(await admin("/api/admin/jobs"));
  } catch (error) {
    if (!(error instanceof SignedOut)) failure(ui.history, error, "The job history could not be loaded");
  }
}

// ---- the gaps report --------------------------------------------------------------------

async function loadGaps() {
  busy(ui.gapsStatus, "Loading the gaps report…");
  try {
    const data = await admin("/api/admin/gaps");
    ui.gapsStatus.textContent = data.query_log ? ""
      : "Questions are not being logged now (BACKQA_QUERY_LOG is off).";
    ui.gaps.replaceChildren(...(data.report ? gapsView(data.report)
      : [el("p", { class: "muted" }, "No question has been logged: start backqa serve with BACKQA_QUERY_LOG=true to learn what the library is missing.")]));
  } catch (error) {
    ui.gaps.replaceChildren();
    if (!(error instanceof SignedOut)) failure(ui.gapsStatus, error, "The gaps report could not be loaded");
  }
}

// ---- events -----------------------------------------------------------------------------

ui.tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = ui.tokenInput.value.trim();
  ui.tokenInput.value = "";
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  signIn();
});
$("token-forget").addEventListener("click", () => {
  signOut("The token is forgotten.");
  ui.tokenInput.focus();
});
$("library-refresh").addEventListener("click", loadLibrary);
$("gaps-refresh").addEventListener("click", loadGaps);
ui.uploadForm.addEventListener("submit", (event) => {
  event.preventDefault();
  inspect();
});
ui.uploadForm.addEventListener("input", () => {
  if (!inspected) return;
  inspected = null; // the report no longer shows what would be published
  ui.publishButton.disabled = true;
  ui.uploadStatus.textContent = "The form changed: inspect again before publishing.";
});
ui.publishButton.addEventListener("click", publish);
ui.reindexButton.addEventListener("click", reindex);

if (token()) signIn();
