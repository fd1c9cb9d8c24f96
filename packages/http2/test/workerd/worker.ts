// A Worker that runs our HTTP/2 client (h2c by prior knowledge: Workers has no ALPN) over @sansio/workers
// (cloudflare:sockets) against the server on the port it is given, and answers with what it saw, as JSON:
// a GET, a POST larger than the initial flow-control window echoed back, ten requests in flight with one
// the server resets, a request after the reset, and a graceful shutdown.

import { Http2ClientConnection, type Http2Response, Http2StreamError } from "@sansio/http2";
import { runtime } from "@sansio/workers";

interface Exchange {
  readonly port: number;
}

/** Larger than the 65,535-byte initial window of a stream and of the connection. */
const POST_SIZE = 300_000;

function describeError(error: unknown): unknown {
  if (error instanceof Http2StreamError) return { name: error.name, code: error.code, remote: error.remote };
  return error instanceof Error ? { name: error.name, message: error.message } : String(error);
}

/** The body of `response` as text, or the error that ended the request or its body. */
async function outcome(response: Promise<Http2Response>): Promise<unknown> {
  try {
    return await (await response).body.text();
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function run({ port }: Exchange): Promise<unknown> {
  const client = new Http2ClientConnection({ authority: `127.0.0.1:${port}`, scheme: "http" });
  const session = await runtime.connect({ hostname: "127.0.0.1", port }, client);
  const results: Record<string, unknown> = {};

  const get = await client.request({ path: "/hello" });
  results.get = { status: get.status, body: await get.body.text() };

  const body = new Uint8Array(POST_SIZE);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >>> 8)) & 0xff;
  const post = await client.request({ method: "POST", path: "/echo", body });
  const echoed = await post.body.bytes();
  results.post = {
    status: post.status,
    length: echoed.length,
    intact: echoed.length === body.length && echoed.every((b, i) => b === body[i]),
  };

  // Ten in flight at once; the server resets the sixth; the others finish.
  const paths = Array.from({ length: 10 }, (_, i) => (i === 5 ? "/reset" : `/many/${i}`));
  const pending = paths.map((path) => client.request({ path }));
  results.inFlight = client.activeStreams + client.queuedRequests;
  results.many = await Promise.all(pending.map(outcome));

  // The connection carries on after a stream error.
  results.after = await outcome(client.request({ path: "/after" }));

  client.shutdown();
  await session.closed;
  results.closed = client.isClosed();
  return results;
}

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      return Response.json(await run((await request.json()) as Exchange));
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
      return new Response(text, { status: 500 });
    }
  },
};
