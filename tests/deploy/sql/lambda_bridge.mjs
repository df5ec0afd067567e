// Test-only bridge that lets PostgreSQL call the real HTTP-client Lambda code end to end.
//
// aws_lambda_stand_in.sql runs it through COPY FROM PROGRAM when the setting
// lambda_stand_in.program names it, with the invoke payload as a base64 argument. It starts an
// echo server on 127.0.0.1, sends the request to it in place of http://contract.test, runs the
// handler copied next to it (index.mjs) and prints the handler's answer as one JSON line.
//
// The echo server answers JSON describing what it received (method, path, headers, body),
// except: /status/N answers status N, /bytes answers the bytes 0-255 as
// application/octet-stream, /slow answers after 3 s.

import http from "node:http";

import { handler } from "./index.mjs";

const payload = JSON.parse(Buffer.from(process.argv[2], "base64").toString("utf8"));

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    if (req.url === "/bytes") {
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      res.end(Buffer.from([...Array(256).keys()]));
      return;
    }
    const status = Number(/^\/status\/(\d+)$/.exec(req.url)?.[1] ?? 200);
    const echo = JSON.stringify({
      method: req.method,
      path: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    });
    const reply = () => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(echo);
    };
    setTimeout(reply, req.url === "/slow" ? 3000 : 0);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

// The handler logs to stdout, which COPY reads: its log lines go to stderr instead.
console.log = (...args) => console.error(...args);
const origin = `http://127.0.0.1:${server.address().port}`;
const answer = await handler({
  ...payload,
  url: payload.url.replace("http://contract.test", origin),
});
process.stdout.write(`${JSON.stringify(answer)}\n`);
server.closeAllConnections();
server.close();
