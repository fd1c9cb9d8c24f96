// A Worker that asks a TCP service one question per HTTP request, through @sansio/workers:
//   GET /?command=PING  ->  connects to TCP_HOST:TCP_PORT, sends "PING\r\n", answers with the reply line.
import { runtime } from "@sansio/workers";
import { LineRequest } from "./line-request.js";

interface Env {
  /** The TCP service to talk to. */
  readonly TCP_HOST: string;
  readonly TCP_PORT: string;
  /** "true" to connect with TLS (verified against the platform's trust store). */
  readonly TCP_TLS?: string;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const command = new URL(request.url).searchParams.get("command") ?? "PING";
    if (/[\r\n]/.test(command)) return new Response("one line only\n", { status: 400 });
    const client = new LineRequest(command);
    try {
      // One socket per request: Workers sockets cannot be shared across requests.
      const session = await runtime.connect(
        {
          hostname: env.TCP_HOST,
          port: Number(env.TCP_PORT),
          tls: env.TCP_TLS === "true" ? true : undefined,
          idleTimeout: 5_000,
          signal: AbortSignal.timeout(10_000), // a deadline for the connect and the whole exchange
        },
        client,
      );
      ctx.waitUntil(session.closed); // let the socket close cleanly after the response is sent
      const reply = await client.reply;
      return new Response(`${reply}\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return new Response(`${text}\n`, { status: 502 });
    }
  },
} satisfies ExportedHandler<Env>;
