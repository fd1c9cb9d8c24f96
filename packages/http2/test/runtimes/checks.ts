// The HTTP/2 client and server over a runtime's real sockets, with no test-runner import, so the same
// checks run under `bun test` and `deno test` (vitest covers Node in the other test files).
import type { Runtime } from "@sansio/runtime-api";
import { testCertificates } from "../../../../tests/support/certs.mjs";
import { Http2ClientConnection, http2Server } from "../../src/index.js";

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
    const client = new Http2ClientConnection({ authority: `localhost:${port}`, scheme: tls ? "https" : "http" });
    const session = await runtime.connect(
      tls
        ? { hostname: "127.0.0.1", port, tls: { ca, serverName: "localhost", alpnProtocols: ["h2"] } }
        : { hostname: "127.0.0.1", port },
      client,
    );
    if (tls) check(session.alpnProtocol === "h2", `ALPN chose h2 (got ${session.alpnProtocol})`);
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
    client.shutdown();
    await session.closed;
    check(client.isClosed(), "the client closed after shutdown");
  } finally {
    await listener.close({ timeout: 2000 });
  }
}
