// The HTTP contract of `backqa serve`, as the page uses it.

export class ApiError extends Error {
  /** @param {string} message @param {number} status 0 when the service could not be reached */
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** A readable message from a FastAPI error body (`{"detail": str | [{loc, msg}] | object}`). */
export function detailMessage(body) {
  const detail = body && typeof body === "object" ? body.detail : null;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (typeof item === "string") return item;
        if (!item || typeof item !== "object") return "";
        const where = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "query" && p !== "body").join(".") : "";
        return [where, item.msg].filter(Boolean).join(": ");
      })
      .filter(Boolean)
      .join("; ");
  }
  if (detail && typeof detail === "object") {
    return typeof detail.message === "string" ? detail.message : JSON.stringify(detail);
  }
  return "";
}

/**
 * Fetch `path` and read its JSON answer; a failed request or a non-2xx answer throws ApiError
 * with the service's message. `options` go to fetch (method, headers, body, signal); an answer
 * without a body (204) reads as `{}`.
 */
export async function requestJson(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: { Accept: "application/json", ...options.headers } });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError("The backqa service cannot be reached: it may be stopped or restarting.", 0);
  }
  if (response.status === 204) return {};
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    body = null;
  }
  if (!response.ok) {
    const message = detailMessage(body) || response.statusText || "no details given";
    throw new ApiError(message, response.status);
  }
  if (body === null || typeof body !== "object") {
    throw new ApiError("The service sent an answer the page cannot read.", response.status);
  }
  return body;
}

function getJson(path, signal) {
  return requestJson(path, { signal });
}

export const RESULTS_PER_PAGE = 5;

export function search(q, signal, k = RESULTS_PER_PAGE, topic = null) {
  const params = new URLSearchParams({ q, k: String(k) });
  if (topic) params.set("topic", topic);
  return getJson(`/api/search?${params}`, signal);
}

export function sources(signal) {
  return getJson("/api/sources", signal);
}

export function source(id, signal) {
  return getJson(`/api/sources/${encodeURIComponent(id)}`, signal);
}

export function passage(id, signal) {
  return getJson(`/api/passages/${encodeURIComponent(id)}`, signal);
}

let feedbackState = null;

/** Whether the service records "did this answer your question?" (asked once per page). */
export function feedbackEnabled() {
  if (!feedbackState) {
    feedbackState = getJson("/api/feedback").then((body) => body.enabled === true, () => false);
  }
  return feedbackState;
}

/** Tell the service whether a passage answered the question. */
export function sendFeedback(question, passageId, helpful) {
  return requestJson("/api/feedback", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ question, passage_id: passageId, helpful }),
  });
}
