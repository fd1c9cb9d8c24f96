// The same WebSocket code on every runtime: `serve` prints "listening on PORT" and echoes; `client URL`
// runs a fixed exchange against an echo server and prints its result as one JSON line.
import { type Handler, http1Server } from "@sansio/http1";
import type { Runtime } from "@sansio/runtime-api";
import { acceptWebSocket, type CloseEvent, connectWebSocket, type Message } from "@sansio/websocket";

export async function main(runtime: Runtime, args: readonly string[]): Promise<void> {
  if (args[0] === "client") {
    console.log(JSON.stringify(await exchange(runtime, args[1] as string)));
    return;
  }
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, http1Server(echoHandler()));
  const address = listener.address as { port: number };
  console.log(`listening on ${address.port}`);
}

/**
 * The test echo server's handler: accepts WebSockets (deflate on, 32 MiB messages) and echoes each
 * message; a text message "close:CODE" is answered by closing with CODE and reason "asked".
 */
export function echoHandler(onClose?: (event: CloseEvent) => void): Handler {
  return async (request, response) => {
    const ws = await acceptWebSocket(request, response, { maxMessageSize: 32 << 20 });
    ws.onmessage = (message) => {
      if (message.type === "text" && message.data.startsWith("close:"))
        ws.close(Number(message.data.slice(6)), "asked");
      else void ws.send(message.data).catch(() => {});
    };
    if (onClose) void ws.closed.then(onClose);
  };
}

async function exchange(runtime: Runtime, url: string): Promise<unknown> {
  const ws = await connectWebSocket(runtime, url, { maxMessageSize: 32 << 20 });
  const messages = ws[Symbol.asyncIterator]();
  const next = async (): Promise<Message> => {
    const result = await messages.next();
    if (result.done) throw new Error("the connection ended early");
    return result.value;
  };
  const result: Record<string, unknown> = { extensions: ws.extensions };
  await ws.send("héllo ✓");
  result.text = await next();
  const big = new Uint8Array(16 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
  await ws.send(big);
  const back = await next();
  result.big = back.type === "binary" && back.data.length === big.length && back.data.every((b, i) => b === big[i]);
  const writer = ws.stream("text");
  await writer.write("frag");
  await writer.end("mented");
  result.fragmented = await next();
  ws.close(4005, "client done");
  result.closed = await ws.closed;
  return result;
}
