// Tests of the rendered HTTP-client Lambda (deploy/lambda/http-client) against real HTTP
// servers on 127.0.0.1. Run with `node --test tests/deploy/node/`.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";

import { handler } from "../../../deploy/lambda/http-client/index.mjs";

const CONTRACT_DIR = new URL("../contract/", import.meta.url);
const CONTRACT_ORIGIN = "http://contract.test";

// A server that records every request and answers with whatever the test sets in `respond`.
async function startServer() {
  const state = { requests: [], respond: (req, res) => res.end("ok") };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      state.requests.push({
        method: req.method,
        path: req.url,
        headers: req.rawHeaders,
        body: Buffer.concat(chunks),
      });
      res.sendDate = false;
      state.respond(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.origin = `http://127.0.0.1:${server.address().port}`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return state;
}

function headerValues(rawHeaders, name) {
  const values = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name.toLowerCase()) {
      values.push(rawHeaders[i + 1]);
    }
  }
  return values;
}

function sendText(res, text) {
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(text);
}

function request(fields) {
  return {
    method: "GET",
    http_version: "HTTP/1.1",
    headers: [],
    body: null,
    auth: null,
    timeout_ms: 5000,
    max_redirects: 3,
    ...fields,
  };
}

// Everything the function logs during `run`, as one string.
async function captureLogs(run) {
  const lines = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  for (const name of Object.keys(saved)) {
    console[name] = (...args) => lines.push(args.join(" "));
  }
  try {
    const result = await run();
    return { result, logs: lines.join("\n") };
  } finally {
    Object.assign(console, saved);
  }
}

// The function logs a line per request; keep test output clean.
const quiet = (event, context) => captureLogs(() => handler(event, context)).then((r) => r.result);

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());
beforeEach(() => {
  server.requests = [];
  server.respond = (req, res) => res.end("ok");
  delete process.env.ALLOWED_HOSTS;
  delete process.env.MAX_RESPONSE_BYTES;
});

describe("contract fixtures", () => {
  const files = readdirSync(CONTRACT_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort();
  assert.ok(files.length >= 5, "contract fixtures are missing");
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(new URL(file, CONTRACT_DIR), "utf8"));
    test(`${file}: ${fixture.description}`, async () => {
      const expected = fixture.response;
      server.respond = (req, res) => {
        const reply = () => {
          if (res.destroyed) return;
          const body =
            expected.body_encoding === "base64"
              ? Buffer.from(expected.body, "base64")
              : Buffer.from(expected.body ?? "", "utf8");
          res.writeHead(
            expected.status_code ?? 200,
            expected.reason_phrase,
            expected.headers ?? [],
          );
          res.end(body);
        };
        setTimeout(reply, fixture.server?.delay_ms ?? 0);
      };
      const event = {
        ...fixture.request,
        url: fixture.request.url.replace(CONTRACT_ORIGIN, server.origin),
      };
      const answer = await quiet(event);

      assert.equal(typeof answer.timing.duration_ms, "number");
      const actual = {
        ...answer,
        timing: expected.timing,
        ...(answer.headers && {
          headers: answer.headers.filter(
            ([name]) => name !== "connection" && name !== "keep-alive",
          ),
        }),
      };
      assert.deepEqual(actual, expected);

      const [received] = server.requests;
      const sent = fixture.request;
      assert.equal(received.method, sent.method);
      assert.equal(received.path, new URL(sent.url).pathname + new URL(sent.url).search);
      for (const [name, value] of sent.headers) {
        assert.deepEqual(headerValues(received.headers, name), [value], name);
      }
      assert.deepEqual(received.body, Buffer.from(sent.body ?? "", "utf8"));
      const authorization = headerValues(received.headers, "authorization");
      if (sent.auth?.scheme === "Basic") {
        const decoded = Buffer.from(authorization[0].replace(/^Basic /, ""), "base64").toString(
          "utf8",
        );
        assert.equal(decoded, `${sent.auth.username}:${sent.auth.password}`);
      } else if (sent.auth?.scheme === "Bearer") {
        assert.deepEqual(authorization, [`Bearer ${sent.auth.token}`]);
      } else {
        assert.deepEqual(authorization, []);
      }
    });
  }
});

describe("methods and headers", () => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
    test(`${method} reaches the server as ${method}`, async () => {
      server.respond = (req, res) =>
        sendText(res, req.method === "HEAD" ? "" : `method ${req.method}`);
      const body = ["POST", "PUT", "PATCH"].includes(method) ? "x=1" : null;
      const answer = await quiet(request({ url: `${server.origin}/m`, method, body }));
      assert.equal(answer.ok, true);
      assert.equal(server.requests[0].method, method);
      assert.equal(answer.body, method === "HEAD" ? "" : `method ${method}`);
    });
  }

  // fetch joins the values of a repeated header with a comma, which HTTP defines as equivalent.
  test("repeated headers are all sent, in order", async () => {
    await quiet(
      request({
        url: `${server.origin}/h`,
        headers: [
          ["X-Tag", "a"],
          ["X-Tag", "b"],
          ["X-Other", "c"],
        ],
      }),
    );
    assert.deepEqual(headerValues(server.requests[0].headers, "x-tag"), ["a, b"]);
  });

  test("a Content-Length counted in characters is replaced by the byte length", async () => {
    const body = "ñandú";
    const answer = await quiet(
      request({
        url: `${server.origin}/len`,
        method: "POST",
        headers: [["Content-Length", String(body.length)]],
        body,
      }),
    );
    assert.equal(answer.ok, true);
    assert.deepEqual(headerValues(server.requests[0].headers, "content-length"), ["7"]);
    assert.equal(server.requests[0].body.toString("utf8"), body);
  });

  test("response headers come back as lower-case pairs", async () => {
    server.respond = (req, res) => {
      res.setHeader("X-Request-Id", "r-1");
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.end("");
    };
    const answer = await quiet(request({ url: `${server.origin}/hdr` }));
    assert.deepEqual(
      answer.headers.filter(([name]) => name === "set-cookie"),
      [
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ],
    );
    assert.ok(answer.headers.some(([name, value]) => name === "x-request-id" && value === "r-1"));
  });
});

describe("authentication", () => {
  test("Basic sends base64 of user:password in UTF-8", async () => {
    await quiet(
      request({
        url: `${server.origin}/a`,
        auth: { scheme: "Basic", username: "José", password: "pä:ss" },
      }),
    );
    const [value] = headerValues(server.requests[0].headers, "authorization");
    assert.equal(value, `Basic ${Buffer.from("José:pä:ss", "utf8").toString("base64")}`);
  });

  test("Bearer sends the token", async () => {
    await quiet(
      request({ url: `${server.origin}/a`, auth: { scheme: "Bearer", token: "abc.def" } }),
    );
    assert.deepEqual(headerValues(server.requests[0].headers, "authorization"), ["Bearer abc.def"]);
  });

  test("auth and an Authorization header together are refused", async () => {
    const answer = await quiet(
      request({
        url: `${server.origin}/a`,
        headers: [["Authorization", "Basic eA=="]],
        auth: { scheme: "Bearer", token: "t" },
      }),
    );
    assert.equal(answer.error.code, "invalid_request");
    assert.equal(server.requests.length, 0);
  });
});

describe("bodies", () => {
  test("a text body in ISO-8859-1 is decoded by its charset", async () => {
    server.respond = (req, res) => {
      res.setHeader("Content-Type", "text/plain; charset=ISO-8859-1");
      res.end(Buffer.from([0x61, 0xf1, 0x6f]));
    };
    const answer = await quiet(request({ url: `${server.origin}/latin1` }));
    assert.deepEqual([answer.body, answer.body_encoding], ["año", "text"]);
  });

  test("text that does not decode in its charset comes back as base64", async () => {
    const bytes = Buffer.from([0x66, 0xff, 0xfe]);
    server.respond = (req, res) => {
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end(bytes);
    };
    const answer = await quiet(request({ url: `${server.origin}/bad-utf8` }));
    assert.deepEqual([answer.body, answer.body_encoding], [bytes.toString("base64"), "base64"]);
  });

  test("a body without a content type is binary", async () => {
    server.respond = (req, res) => res.end(Buffer.from("plain bytes"));
    const answer = await quiet(request({ url: `${server.origin}/untyped` }));
    assert.equal(answer.body_encoding, "base64");
    assert.equal(Buffer.from(answer.body, "base64").toString(), "plain bytes");
  });

  test("a problem+json body is text", async () => {
    server.respond = (req, res) => {
      res.writeHead(422, { "Content-Type": "application/problem+json" });
      res.end('{"title":"bad"}');
    };
    const answer = await quiet(request({ url: `${server.origin}/problem` }));
    assert.deepEqual(
      [answer.status_code, answer.body, answer.body_encoding],
      [422, '{"title":"bad"}', "text"],
    );
  });

  test("a body over MAX_RESPONSE_BYTES is refused", async () => {
    process.env.MAX_RESPONSE_BYTES = "10";
    server.respond = (req, res) => res.end("x".repeat(11));
    const answer = await quiet(request({ url: `${server.origin}/big` }));
    assert.equal(answer.error.code, "response_too_large");
  });
});

describe("redirects", () => {
  let other;
  before(async () => {
    other = await startServer();
  });
  after(() => other.close());
  beforeEach(() => {
    other.requests = [];
  });

  function redirectOnce(status, location) {
    server.respond = (req, res) => {
      if (req.url === "/start") {
        res.writeHead(status, { Location: location });
        res.end();
      } else {
        sendText(res, `landed ${req.method} ${req.url}`);
      }
    };
  }

  test("a GET follows a 302 and counts it", async () => {
    redirectOnce(302, "/end");
    const answer = await quiet(request({ url: `${server.origin}/start` }));
    assert.deepEqual(
      [answer.status_code, answer.body, answer.redirects],
      [200, "landed GET /end", 1],
    );
  });

  test("max_redirects 0 returns the redirect itself", async () => {
    redirectOnce(301, "/end");
    const answer = await quiet(request({ url: `${server.origin}/start`, max_redirects: 0 }));
    assert.equal(answer.status_code, 301);
    assert.ok(answer.headers.some(([name, value]) => name === "location" && value === "/end"));
  });

  test("a redirect loop stops at max_redirects", async () => {
    server.respond = (req, res) => {
      res.writeHead(307, { Location: "/again" });
      res.end();
    };
    const answer = await quiet(request({ url: `${server.origin}/again`, max_redirects: 2 }));
    assert.equal(answer.error.code, "too_many_redirects");
    assert.equal(server.requests.length, 3);
  });

  test("a 303 after a POST continues as a GET without the body", async () => {
    redirectOnce(303, "/end");
    const answer = await quiet(
      request({ url: `${server.origin}/start`, method: "POST", body: "a=1" }),
    );
    assert.equal(answer.body, "landed GET /end");
    assert.equal(server.requests[1].body.length, 0);
  });

  test("a 307 repeats the method and the body", async () => {
    redirectOnce(307, "/end");
    const answer = await quiet(
      request({ url: `${server.origin}/start`, method: "PUT", body: "a=1" }),
    );
    assert.equal(answer.body, "landed PUT /end");
    assert.equal(server.requests[1].body.toString(), "a=1");
  });

  test("credentials are not sent to another origin", async () => {
    redirectOnce(302, `${other.origin}/elsewhere`);
    await quiet(
      request({
        url: `${server.origin}/start`,
        auth: { scheme: "Bearer", token: "secret-token" },
        headers: [
          ["X-Api-Key", "k-1"],
          ["X-Keep", "yes"],
        ],
      }),
    );
    assert.deepEqual(headerValues(server.requests[0].headers, "authorization"), [
      "Bearer secret-token",
    ]);
    assert.deepEqual(headerValues(other.requests[0].headers, "authorization"), []);
    assert.deepEqual(headerValues(other.requests[0].headers, "x-api-key"), []);
    assert.deepEqual(headerValues(other.requests[0].headers, "x-keep"), ["yes"]);
  });

  test("credentials are kept for a redirect within the origin", async () => {
    redirectOnce(302, "/end");
    await quiet(
      request({ url: `${server.origin}/start`, auth: { scheme: "Bearer", token: "secret-token" } }),
    );
    assert.deepEqual(headerValues(server.requests[1].headers, "authorization"), [
      "Bearer secret-token",
    ]);
  });

  test("a redirect to a host outside ALLOWED_HOSTS is refused", async () => {
    process.env.ALLOWED_HOSTS = "127.0.0.1";
    redirectOnce(302, `${other.origin.replace("127.0.0.1", "localhost")}/elsewhere`);
    const answer = await quiet(request({ url: `${server.origin}/start` }));
    assert.equal(answer.error.code, "host_not_allowed");
    assert.equal(other.requests.length, 0);
  });
});

describe("retries", () => {
  // Answers `failures` times with `status`, then 200.
  function failThenSucceed(failures, status) {
    let seen = 0;
    server.respond = (req, res) => {
      seen += 1;
      if (seen <= failures) {
        res.writeHead(status, { "Content-Type": "text/plain" });
        res.end("busy");
      } else {
        sendText(res, `attempt ${seen}`);
      }
    };
  }

  test("a GET is retried after 503s and reports its attempts", async () => {
    failThenSucceed(2, 503);
    const answer = await quiet(request({ url: `${server.origin}/r`, max_retries: 2 }));
    assert.deepEqual([answer.status_code, answer.body, answer.attempts], [200, "attempt 3", 3]);
  });

  test("the last failure is returned when the retries run out", async () => {
    failThenSucceed(5, 429);
    const answer = await quiet(request({ url: `${server.origin}/r`, max_retries: 1 }));
    assert.deepEqual([answer.status_code, answer.attempts], [429, 2]);
  });

  test("a POST is never retried: the server may have acted on it", async () => {
    failThenSucceed(1, 503);
    const answer = await quiet(
      request({ url: `${server.origin}/r`, method: "POST", body: "x", max_retries: 3 }),
    );
    assert.deepEqual([answer.status_code, answer.attempts, server.requests.length], [503, 1, 1]);
  });

  test("a 500 is not retried", async () => {
    failThenSucceed(1, 500);
    const answer = await quiet(request({ url: `${server.origin}/r`, max_retries: 3 }));
    assert.deepEqual([answer.status_code, answer.attempts], [500, 1]);
  });

  test("a refused connection is retried, then reported", async () => {
    const closed = await startServer();
    await closed.close();
    const started = Date.now();
    const answer = await quiet(request({ url: `${closed.origin}/`, max_retries: 2 }));
    assert.equal(answer.error.code, "connection_failed");
    assert.ok(Date.now() - started >= 600, "pauses 200 ms, then 400 ms");
  });

  test("the pauses between retries count against the timeout", async () => {
    failThenSucceed(5, 503);
    const answer = await quiet(
      request({ url: `${server.origin}/r`, max_retries: 5, timeout_ms: 500 }),
    );
    assert.equal(answer.error.code, "timeout");
  });

  test("more than 5 retries is an invalid request", async () => {
    const answer = await quiet(request({ url: `${server.origin}/r`, max_retries: 6 }));
    assert.equal(answer.error.code, "invalid_request");
  });
});

describe("failures", () => {
  test("the Lambda's remaining time cuts the request timeout short", async () => {
    server.respond = (req, res) => setTimeout(() => !res.destroyed && res.end("late"), 3000);
    const started = Date.now();
    const answer = await quiet(request({ url: `${server.origin}/slow`, timeout_ms: 30000 }), {
      getRemainingTimeInMillis: () => 800,
    });
    assert.equal(answer.error.code, "timeout");
    assert.ok(Date.now() - started < 2000);
  });

  test("a refused connection is reported with its cause", async () => {
    const closed = await startServer();
    await closed.close();
    const answer = await quiet(request({ url: `${closed.origin}/` }));
    assert.deepEqual(answer.error, {
      code: "connection_failed",
      message: "could not connect: ECONNREFUSED",
    });
  });

  const invalidRequests = {
    "a non-object event": "GET http://x",
    "a missing url": { method: "GET", timeout_ms: 1000 },
    "an ftp url": request({ url: "ftp://127.0.0.1/x" }),
    "a url with credentials": request({ url: "http://user:pw@127.0.0.1/x" }),
    "a lower-case method": request({ url: "http://127.0.0.1/x", method: "get" }),
    "headers that are not pairs": request({ url: "http://127.0.0.1/x", headers: [["A"]] }),
    "a header value with a line break": request({
      url: "http://127.0.0.1/x",
      headers: [["A", "b\r\nEvil: 1"]],
    }),
    "a GET with a body": request({ url: "http://127.0.0.1/x", body: "x" }),
    "a JSON body that is not a string": request({
      url: "http://127.0.0.1/x",
      method: "POST",
      body: { a: 1 },
    }),
    "an unknown auth scheme": request({
      url: "http://127.0.0.1/x",
      auth: { scheme: "Digest", token: "x" },
    }),
    "a zero timeout": request({ url: "http://127.0.0.1/x", timeout_ms: 0 }),
  };
  for (const [what, event] of Object.entries(invalidRequests)) {
    test(`${what} is an invalid request`, async () => {
      const answer = await quiet(event);
      assert.equal(answer.ok, false);
      assert.equal(answer.error.code, "invalid_request");
      assert.equal(server.requests.length, 0);
    });
  }
});

describe("host allow-list", () => {
  test("a host outside ALLOWED_HOSTS is refused before any connection", async () => {
    process.env.ALLOWED_HOSTS = "api.example.com, *.example.org";
    const answer = await quiet(request({ url: `${server.origin}/x` }));
    assert.equal(answer.error.code, "host_not_allowed");
    assert.equal(server.requests.length, 0);
  });

  test("a listed host is allowed", async () => {
    process.env.ALLOWED_HOSTS = "api.example.com,127.0.0.1";
    const answer = await quiet(request({ url: `${server.origin}/x` }));
    assert.equal(answer.ok, true);
  });

  test("a wildcard allows subdomains but not look-alikes", async () => {
    process.env.ALLOWED_HOSTS = "*.example.org";
    const sub = await quiet(request({ url: "http://evil-example.org.invalid/x" }));
    assert.equal(sub.error.code, "host_not_allowed");
    const lookalike = await quiet(request({ url: "http://notexample.org/x" }));
    assert.equal(lookalike.error.code, "host_not_allowed");
  });
});

describe("secrets", () => {
  const secrets = ["pässw0rd-Basic", "tok-Bearer-77", "hdr-secret-99", "query-key-55"];
  const cases = {
    "a successful request": (origin) =>
      request({
        url: `${origin}/ok?api_key=query-key-55`,
        auth: { scheme: "Basic", username: "u", password: "pässw0rd-Basic" },
        headers: [["X-Api-Key", "hdr-secret-99"]],
      }),
    "a timeout": (origin) =>
      request({
        url: `${origin}/slow?api_key=query-key-55`,
        auth: { scheme: "Bearer", token: "tok-Bearer-77" },
        timeout_ms: 200,
      }),
    "an invalid header": (origin) =>
      request({
        url: `${origin}/x?api_key=query-key-55`,
        headers: [["Authorization", "Bearer hdr-secret-99\r\n"]],
      }),
    "a refused host": (origin) =>
      request({
        url: `${origin}/x?api_key=query-key-55`,
        auth: { scheme: "Bearer", token: "tok-Bearer-77" },
        allowed: "api.example.com",
      }),
  };
  for (const [what, build] of Object.entries(cases)) {
    test(`${what} logs and answers no secret`, async () => {
      server.respond = (req, res) =>
        req.url.startsWith("/slow")
          ? setTimeout(() => !res.destroyed && res.end(), 1000)
          : res.end("fine");
      const { allowed, ...event } = build(server.origin);
      if (allowed) process.env.ALLOWED_HOSTS = allowed;
      const { result, logs } = await captureLogs(() => handler(event));
      assert.ok(logs.length > 0, "the function logs each request");
      const visible =
        logs + JSON.stringify(result.error ?? {}) + JSON.stringify(result.headers ?? []);
      for (const secret of secrets) {
        assert.ok(!visible.includes(secret), `${secret} leaked: ${visible}`);
      }
    });
  }
});
