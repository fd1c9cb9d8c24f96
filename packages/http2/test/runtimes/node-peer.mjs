// node:http2 (nghttp2 inside Node) as the peer of the Bun and Deno tests, in a Node child process.
//   node node-peer.mjs server h2c|tls   → prints {"port":…,"ca":…} and serves until stdin closes
//   node node-peer.mjs client h2c|tls <port> <ca-file|->  → runs requests, prints {"ok":true,…} or {"error":…}
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { generateTestCertificates } from "../../../../tests/support/certs.mjs";

const [mode, transport, portArg, caFile] = process.argv.slice(2);
const tls = transport === "tls";

if (mode === "server") {
  const { cert, key, ca } = await generateTestCertificates();
  const server = tls ? http2.createSecureServer({ cert, key }) : http2.createServer();
  server.on("stream", (stream, headers) => {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      const body = Buffer.concat(chunks);
      stream.respond({ ":status": 200, "x-path": String(headers[":path"]), "x-length": String(body.length) });
      stream.end(body);
    });
    stream.on("error", () => {});
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port, ca })}\n`);
  });
  process.stdin.on("end", () => server.close(() => process.exit(0)));
  process.stdin.resume();
} else {
  const port = Number(portArg);
  const ca = tls ? readFileSync(caFile, "utf8") : undefined;
  const session = tls ? http2.connect(`https://localhost:${port}`, { ca }) : http2.connect(`http://127.0.0.1:${port}`);
  const request = (path, body) =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ":path": path, ":method": body ? "POST" : "GET" });
      const chunks = [];
      let headers = {};
      stream.on("response", (h) => {
        headers = h;
      });
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () =>
        resolve({ status: headers[":status"], path: headers["x-path"], body: Buffer.concat(chunks) }),
      );
      stream.on("error", reject);
      stream.end(body);
    });
  try {
    const big = Buffer.alloc(1_000_000, 7);
    const post = await request("/big", big);
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => request(`/${i}`)));
    const ok = post.status === 200 && post.body.equals(big) && many.every((r, i) => r.path === `/${i}`);
    process.stdout.write(`${JSON.stringify({ ok, posted: post.body.length, streams: many.length })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  }
  session.close();
}
