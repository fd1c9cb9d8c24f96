// The demo's WebSocket route: an echo at /ws (@sansio/websocket on the HTTP/1.1 upgrade, default
// limits, permessage-deflate accepted when offered) and /ws.html, a tiny page that talks to it.

import type { IncomingRequest, ResponseWriter } from "@sansio/http1";
import { acceptWebSocket, type WebSocketConnection, WebSocketError } from "@sansio/websocket";

/**
 * Answers the opening handshake (a request that is not one gets 400, 405 or 426 from
 * `acceptWebSocket`), then sends every message back as it came: text as text, binary as binary.
 * Reading through the iterator and awaiting each send keeps memory bounded: while the client does not
 * read its echoes, the connection stops reading its messages.
 */
export async function echoWebSocket(request: IncomingRequest, response: ResponseWriter): Promise<void> {
  let ws: WebSocketConnection;
  try {
    ws = await acceptWebSocket(request, response);
  } catch (error) {
    if (error instanceof WebSocketError) return; // not a valid handshake: already answered
    throw error;
  }
  void echo(ws); // the HTTP exchange is over: the WebSocket owns the socket now
}

/** Sends each message back until the connection ends. */
async function echo(ws: WebSocketConnection): Promise<void> {
  try {
    for await (const message of ws) await ws.send(message.data);
  } catch {
    // send() rejects once the connection is closing: the client left; nothing to do.
  }
}

/** `GET /ws.html`: connects to /ws on the same host (ws: or wss:), sends what is typed, shows the echoes. */
export const WS_PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>sansio WebSocket echo</title>
<style>body{font:16px system-ui,sans-serif;margin:2em;max-width:40em}#log{white-space:pre-wrap;font-family:monospace}</style>
<h1>WebSocket echo</h1>
<p id="state">connecting…</p>
<form id="form"><input id="text" value="hello" autofocus> <button>send text</button>
<button type="button" id="binary">send 4 binary bytes</button></form>
<div id="log"></div>
<script>
const log = (line) => { document.getElementById("log").textContent += line + "\\n"; };
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
ws.binaryType = "arraybuffer";
ws.onopen = () => { document.getElementById("state").textContent = "open, extensions: " + (ws.extensions || "none"); };
ws.onclose = (event) => { document.getElementById("state").textContent = "closed (" + event.code + ")"; };
ws.onmessage = (event) => log(typeof event.data === "string"
  ? "text back: " + event.data
  : "binary back: [" + new Uint8Array(event.data).join(", ") + "]");
document.getElementById("form").onsubmit = (event) => {
  event.preventDefault();
  ws.send(document.getElementById("text").value);
};
document.getElementById("binary").onclick = () => ws.send(new Uint8Array([1, 2, 3, 255]));
</script>
</html>
`;
