// A Worker that opens a WebSocket with @sansio/websocket over @sansio/workers (cloudflare:sockets) to the
// URL it is given, runs a fixed exchange against an echo server and answers with what it saw, as JSON.

import { connectWebSocket, type Message } from "@sansio/websocket";
import { runtime } from "@sansio/workers";

interface Exchange {
  readonly url: string;
  readonly deflate: boolean;
}

async function run({ url, deflate }: Exchange): Promise<unknown> {
  const ws = await connectWebSocket(runtime, url, { deflate, maxMessageSize: 4 << 20 });
  const messages = ws[Symbol.asyncIterator]();
  const next = async (): Promise<Message> => {
    const result = await messages.next();
    if (result.done) throw new Error("the connection ended early");
    return result.value;
  };
  const results: Record<string, unknown> = { extensions: ws.extensions };
  await ws.send("hello from workerd ✓");
  results.text = await next();
  const compressible = "workerd compresses this line. ".repeat(20_000);
  await ws.send(compressible);
  const echoed = await next();
  results.compressible = echoed.type === "text" && echoed.data === compressible;
  const binary = new Uint8Array(300_000);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 13) & 0xff;
  await ws.send(binary);
  const back = await next();
  results.binary =
    back.type === "binary" && back.data.length === binary.length && back.data.every((b, i) => b === binary[i]);
  const writer = ws.stream("text");
  await writer.write("in ");
  await writer.write("three ");
  await writer.end("fragments");
  results.fragmented = await next();
  // The server answers "bomb" with 16 MiB of zeros, compressed (or not) as negotiated: over our 4 MiB limit.
  await ws.send("bomb");
  results.bomb = await ws.closed;
  return JSON.parse(
    JSON.stringify(results, (_key, value) =>
      value instanceof Error ? { name: value.name, code: (value as { code?: string }).code } : value,
    ),
  );
}

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      const exchange = (await request.json()) as Exchange;
      return Response.json(await run(exchange));
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
      return new Response(text, { status: 500 });
    }
  },
};
