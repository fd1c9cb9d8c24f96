// The HTTP/2 client and server over a runtime's real sockets, with no test-runner import, so the same
// checks run under `bun test` and `deno test` (vitest covers Node in the other test files).
import type { Runtime } from "@sansio/runtime-api";
import { testCertificates } from "../../../../tests/support/certs.mjs";
import { http2Server } from "../../src/index.js";
import { connectOurClient, type PeerMode } from "../helpers.js";

/** The peer mode of a check: TLS with ALPN h2, or h2c by prior knowledge. */
function modeOf(tls: boolean): PeerMode {
  return tls ? "TLS + ALPN h2" : "h2c (prior knowledge)";
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** Our server and our client on `runtime`, h2c by prior knowledge and TLS with ALPN h2. */
export async function clientAgainstServer(runtime: Runtime, tls: boolean): Promise<void> {
  const { cert, key, ca } = await testCertificates();
  const listener = await runtime.listen(
    tls ? { hostname: "127.0.0.1", tls: { cert, key, alpnProtocols: ["h2"] } } : { hostname: "127.0.0.1" },
    http2Server(async (request, response) => {
      const body = await request.body.bytes();
      response.writeHead(200, { "x-path": request.path });
      await response.write(body);
      response.end(undefined, { "x-length": String(body.length) });
    }),
  );
  try {
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const { client, close } = await connectOurClient(runtime, modeOf(tls), port, ca);
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 31) % 256);
    const post = await client.request({ method: "POST", path: "/big", body: big });
    const echoed = await post.body.bytes();
    check(echoed.length === big.length && echoed.every((b, i) => b === big[i]), "a 1 MB body comes back intact");
    check(post.body.trailers[1] === String(big.length), "trailers arrive");
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => client.request({ path: `/${i}` })));
    check(
      many.every((r, i) => r.header("x-path") === `/${i}`),
      "40 concurrent streams are answered, each its own",
    );
    await Promise.all(many.map((r) => r.body.discard()));
    check((await client.ping()) >= 0, "ping answers");
    await close();
    check(client.isClosed(), "the client closed after shutdown");
  } finally {
    await listener.close({ timeout: 2000 });
  }
}

const NODE_PEER = new URL("./node-peer.mjs", import.meta.url).pathname;

/** Starts `node node-peer.mjs …` and resolves with its first line of output (JSON) and a way to stop it. */
async function nodePeer(args: string[]): Promise<{ line: Record<string, unknown>; stop: () => void }> {
  const { spawn } = await import("node:child_process");
  const child = spawn("node", [NODE_PEER, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the node peer did not answer within 20 s")), 20_000);
    child.stdout.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const end = out.indexOf("\n");
      if (end >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, end));
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return { line: JSON.parse(line) as Record<string, unknown>, stop: () => child.stdin.end() };
}

/** Our client (on `runtime`) against a node:http2 server in a Node child process. */
export async function ourClientAgainstNodeServer(runtime: Runtime, tls: boolean): Promise<void> {
  const peer = await nodePeer(["server", tls ? "tls" : "h2c"]);
  try {
    const port = peer.line.port as number;
    const { client, close } = await connectOurClient(runtime, modeOf(tls), port, peer.line.ca as string);
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 7) % 256);
    const post = await client.request({ method: "POST", path: "/big", body: big });
    const echoed = await post.body.bytes();
    check(echoed.length === big.length && echoed.every((b, i) => b === big[i]), "node:http2 echoed 1 MB intact");
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => client.request({ path: `/${i}` })));
    check(
      many.every((r, i) => r.header("x-path") === `/${i}`),
      "40 concurrent streams answered by node:http2",
    );
    await Promise.all(many.map((r) => r.body.discard()));
    await close();
  } finally {
    peer.stop();
  }
}

/** A node:http2 client in a Node child process against our server (on `runtime`). */
export async function nodeClientAgainstOurServer(runtime: Runtime, tls: boolean): Promise<void> {
  const { cert, key, ca } = await testCertificates();
  const listener = await runtime.listen(
    tls ? { hostname: "127.0.0.1", tls: { cert, key, alpnProtocols: ["h2"] } } : { hostname: "127.0.0.1" },
    http2Server(async (request, response) => {
      const body = await request.body.bytes();
      response.respond(200, { "x-path": request.path }, body);
    }),
  );
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/sansio-h2-peer-`);
  try {
    writeFileSync(`${dir}/ca.pem`, ca);
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const peer = await nodePeer(["client", tls ? "tls" : "h2c", String(port), `${dir}/ca.pem`]);
    peer.stop();
    check(peer.line.ok === true, `the node:http2 client's run: ${JSON.stringify(peer.line)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await listener.close({ timeout: 2000 });
  }
}
