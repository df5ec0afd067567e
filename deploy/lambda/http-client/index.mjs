// HTTP-client Lambda for utl_http_utility: performs one HTTP request for Aurora PostgreSQL.
//
// Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
//
// The SQL side (sql/utl_http_utility/install.sql) invokes this function through
// aws_lambda.invoke with the request it built, and reads back the answer. The shape of both is
// fixed by the contract fixtures under tests/deploy/contract/, which the tests of both sides
// read.
//
// Request:  { url, method, http_version, headers: [[name, value], ...], body: string | null,
//             auth: null | { scheme: "Basic", username, password } | { scheme: "Bearer", token },
//             timeout_ms, max_redirects, max_retries }
// Answer:   { ok: true, status_code, reason_phrase, http_version, headers: [[name, value], ...],
//             body, body_encoding: "text" | "base64", redirects, attempts,
//             timing: { duration_ms } }
//        or { ok: false, error: { code, message }, timing: { duration_ms } }
//
// An HTTP error status (4xx, 5xx) is an answer with ok: true; ok: false means the request did
// not complete. timeout_ms bounds the whole exchange, redirects and retries included. Requests
// with an idempotent method are retried up to max_retries times, with a growing pause, after a
// failed connection or a 429, 502, 503 or 504; others never are, as the server may have acted.
// http_version is accepted for the SQL side's sake; fetch speaks HTTP/1.1. Error codes: invalid_request, host_not_allowed, timeout, connection_failed,
// too_many_redirects, response_too_large, request_failed.
//
// Environment:
//   ALLOWED_HOSTS       comma-separated host names the function may call; `*.example.com`
//                       allows the subdomains of example.com; empty or unset allows any host.
//   MAX_RESPONSE_BYTES  largest encoded body returned (default 5000000), kept under Lambda's
//                       6 MB response limit with room for the headers.
//
// It logs one line per request: method, host, path (never the query string), status and
// duration. Headers, bodies and credentials are never logged, nor put into error messages.

import { setTimeout as sleep } from "node:timers/promises";

const MAX_TIMEOUT_MS = 900_000;
const MAX_REDIRECTS = 20;
// Margin kept between the request timeout and the end of the Lambda's own time, so the
// function answers "timeout" instead of being killed without a word.
const LAMBDA_MARGIN_MS = 500;
const MAX_RETRIES = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const FIRST_RETRY_PAUSE_MS = 200;
// Headers that carry credentials (the same list the SQL side redacts): dropped when a redirect
// leaves the origin.
const CREDENTIAL_HEADERS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TEXT_TYPES =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function invalid(message) {
  return new RequestError("invalid_request", message);
}

export async function handler(event, context) {
  const started = performance.now();
  const timing = () => ({ duration_ms: Math.round(performance.now() - started) });
  let request;
  try {
    request = parseRequest(event);
    checkHost(request.url);
    const answer = await perform(request, deadline(request.timeout_ms, context));
    const { status_code: status, redirects, attempts } = answer;
    log({
      method: request.method,
      ...where(request.url),
      status,
      redirects,
      attempts,
      ...timing(),
    });
    return { ok: true, ...answer, timing: timing() };
  } catch (error) {
    const failure = describe(error);
    log({
      ...(request ? { method: request.method, ...where(request.url) } : {}),
      error: failure.code,
      ...timing(),
    });
    return { ok: false, error: failure, timing: timing() };
  }
}

function parseRequest(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw invalid("the request must be a JSON object");
  }
  const url = parseUrl(event.url);
  const method = event.method;
  if (typeof method !== "string" || !/^[A-Z]+$/.test(method)) {
    throw invalid("method must be an upper-case word such as GET or POST");
  }
  const body = event.body ?? null;
  if (body !== null && typeof body !== "string") {
    throw invalid("body must be a string or null");
  }
  if (body !== null && (method === "GET" || method === "HEAD")) {
    throw invalid(`a ${method} request cannot have a body`);
  }
  return {
    url,
    method,
    body,
    headers: parseHeaders(event.headers ?? []),
    auth: parseAuth(event.auth ?? null),
    timeout_ms: integerIn(event.timeout_ms, 1, MAX_TIMEOUT_MS, "timeout_ms"),
    max_redirects: integerIn(event.max_redirects ?? 0, 0, MAX_REDIRECTS, "max_redirects"),
    max_retries: integerIn(event.max_retries ?? 0, 0, MAX_RETRIES, "max_retries"),
  };
}

function parseUrl(text) {
  if (typeof text !== "string") {
    throw invalid("url must be a string");
  }
  let url;
  try {
    url = new URL(text);
  } catch {
    throw invalid("url is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid("url must use http or https");
  }
  if (url.username || url.password) {
    throw invalid("credentials in the URL are not supported; use auth");
  }
  return url;
}

function parseHeaders(headers) {
  if (!Array.isArray(headers)) {
    throw invalid("headers must be a list of [name, value] pairs");
  }
  return headers.map((pair, index) => {
    const [name, value] = Array.isArray(pair) && pair.length === 2 ? pair : [];
    if (typeof name !== "string" || typeof value !== "string") {
      throw invalid(`header ${index + 1} must be a [name, value] pair of strings`);
    }
    if (!HEADER_NAME.test(name)) {
      throw invalid(`header ${index + 1} has an invalid name`);
    }
    // The value is never quoted in a message: it may be a credential.
    if (/[\r\n\0]/.test(value)) {
      throw invalid(`the value of header ${name} contains a line break or NUL`);
    }
    return [name, value];
  });
}

function parseAuth(auth) {
  if (auth === null) {
    return null;
  }
  if (
    auth.scheme === "Basic" &&
    typeof auth.username === "string" &&
    typeof auth.password === "string"
  ) {
    if (auth.username.includes(":")) {
      throw invalid("a Basic username cannot contain a colon");
    }
    return auth;
  }
  if (auth.scheme === "Bearer" && typeof auth.token === "string" && auth.token !== "") {
    return auth;
  }
  throw invalid("auth must be {scheme: Basic, username, password} or {scheme: Bearer, token}");
}

function integerIn(value, low, high, name) {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw invalid(`${name} must be an integer from ${low} to ${high}`);
  }
  return value;
}

function allowedHosts() {
  return (process.env.ALLOWED_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== "");
}

function checkHost(url) {
  const allowed = allowedHosts();
  const host = url.hostname.toLowerCase();
  const matches = (pattern) =>
    pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) : host === pattern;
  if (allowed.length > 0 && !allowed.some(matches)) {
    throw new RequestError("host_not_allowed", `host ${host} is not in ALLOWED_HOSTS`);
  }
}

// Milliseconds the request may take: what it asked for, cut short by the Lambda's own end.
function deadline(timeoutMs, context) {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) {
    return timeoutMs;
  }
  return Math.max(1, Math.min(timeoutMs, remaining - LAMBDA_MARGIN_MS));
}

function requestHeaders(request) {
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    // fetch computes Content-Length from the bytes it sends. Converted Oracle code often sets
    // it to LENGTH(body), which counts characters and is wrong for any non-ASCII body.
    if (name.toLowerCase() !== "content-length") {
      headers.append(name, value);
    }
  }
  if (request.auth !== null) {
    if (headers.has("authorization")) {
      throw invalid("set either auth or an Authorization header, not both");
    }
    headers.set("authorization", authorization(request.auth));
  }
  return headers;
}

function authorization(auth) {
  if (auth.scheme === "Bearer") {
    return `Bearer ${auth.token}`;
  }
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
}

async function perform(request, timeoutMs) {
  const signal = AbortSignal.timeout(timeoutMs);
  const headers = requestHeaders(request);
  let { url, method, body } = request;
  let attempts = 0;
  for (let redirects = 0; ; redirects += 1) {
    const sent = await send(
      url,
      { method, headers, body, redirect: "manual", signal },
      request.max_retries,
    );
    const response = sent.response;
    attempts += sent.attempts;
    const location = response.headers.get("location");
    if (
      !REDIRECT_STATUSES.has(response.status) ||
      location === null ||
      request.max_redirects === 0
    ) {
      return { ...(await readResponse(response)), redirects, attempts };
    }
    await response.body?.cancel();
    if (redirects === request.max_redirects) {
      throw new RequestError("too_many_redirects", `more than ${request.max_redirects} redirects`);
    }
    const next = parseRedirect(location, url);
    checkHost(next);
    if (next.origin !== url.origin) {
      CREDENTIAL_HEADERS.forEach((name) => headers.delete(name));
    }
    // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
    if (response.status === 303 || (method === "POST" && response.status <= 302)) {
      method = method === "HEAD" ? "HEAD" : "GET";
      body = null;
      headers.delete("content-type");
    }
    url = next;
  }
}

// One request, retried when that is safe; the pauses count against the same timeout.
async function send(url, init, maxRetries) {
  const retries = IDEMPOTENT_METHODS.has(init.method) ? maxRetries : 0;
  for (let attempt = 1; ; attempt += 1) {
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (attempt > retries || describe(error).code !== "connection_failed") {
        throw error;
      }
    }
    if (response !== undefined && (attempt > retries || !RETRY_STATUSES.has(response.status))) {
      return { response, attempts: attempt };
    }
    await response?.body?.cancel();
    await sleep(FIRST_RETRY_PAUSE_MS * 2 ** (attempt - 1), undefined, { signal: init.signal });
  }
}

function parseRedirect(location, base) {
  let next;
  try {
    next = new URL(location, base);
  } catch {
    throw new RequestError("request_failed", "the server redirected to an invalid URL");
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new RequestError("request_failed", "the server redirected to a non-HTTP URL");
  }
  return next;
}

async function readResponse(response) {
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = decodeText(bytes, response.headers.get("content-type"));
  const [body, body_encoding] =
    text === null ? [bytes.toString("base64"), "base64"] : [text, "text"];
  const limit = Number(process.env.MAX_RESPONSE_BYTES ?? 5_000_000);
  if (Buffer.byteLength(body, "utf8") > limit) {
    throw new RequestError("response_too_large", `the response body exceeds ${limit} bytes`);
  }
  return {
    status_code: response.status,
    reason_phrase: response.statusText,
    http_version: "HTTP/1.1",
    headers: [...response.headers],
    body,
    body_encoding,
  };
}

// The body as text when its media type is textual and it decodes cleanly in its charset;
// null otherwise, and the body is sent as base64.
function decodeText(bytes, contentType) {
  if (bytes.length === 0) {
    return "";
  }
  const charset = /;\s*charset="?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  if (!TEXT_TYPES.test(contentType ?? "") && charset === undefined) {
    return null;
  }
  try {
    return new TextDecoder(charset ?? "utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function describe(error) {
  if (error instanceof RequestError) {
    return { code: error.code, message: error.message };
  }
  if (error?.name === "TimeoutError" || error?.name === "AbortError") {
    return { code: "timeout", message: "the request did not complete within its timeout" };
  }
  // fetch's own messages are generic ("fetch failed"); the useful part is the system error
  // code of its cause. Neither carries request headers or bodies.
  const cause = error?.cause?.code ?? error?.code;
  if (typeof cause === "string" && /^E[A-Z_]+$/.test(cause)) {
    return { code: "connection_failed", message: `could not connect: ${cause}` };
  }
  return {
    code: "request_failed",
    message: `the request failed (${error?.name ?? "unknown error"})`,
  };
}

function where(url) {
  return { host: url.host, path: url.pathname };
}

function log(fields) {
  console.log(JSON.stringify(fields));
}
