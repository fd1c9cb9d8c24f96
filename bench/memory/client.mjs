// The idle-connection client of the memory rows: `node bench/memory/client.mjs`.
// `open { port, count, kind }`: opens `count` connections (at most BATCH connecting at once) and
// waits on each for one answer, after which the connections stay open and idle. kind:
// - `http1` (default): one keep-alive `GET /`, its whole response;
// - `h2`: h2c by prior knowledge, one `GET /` on stream 1 to its end, the server's SETTINGS acknowledged;
// - `ws`: a WebSocket upgrade to `/`, its 101 answer.
// `close`: destroys them all.
import net from "node:net";
import { serveCommands, within } from "../lib/commands.mjs";
import { h2cGetBytes, h2FrameReader, SETTINGS_ACK } from "../lib/h2-raw.mjs";
import { upgradeHeadEnd, upgradeRequest } from "../lib/ws-raw.mjs";

const HOST = "127.0.0.1";
const BATCH = 250;
const OPEN_LIMIT_MS = 120_000;
const HTTP1_GET = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");

/** @type {net.Socket[]} */
let sockets = [];

/** Whether `text` (latin1) holds a whole HTTP/1.1 200 response with a content-length body; throws for another answer. */
function http1Answered(text) {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headEnd));
  if (!text.startsWith("HTTP/1.1 200") || !length)
    throw new Error(`unexpected response: ${JSON.stringify(text.slice(0, 200))}`);
  return text.length >= headEnd + 4 + Number(length[1]);
}

/**
 * One connection: writes `first` on connect, feeds what arrives to `onData(chunk, socket)` until it
 * returns true (answered), then leaves the socket idle.
 */
function openOne(port, first, onData) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port, noDelay: true });
    socket.once("connect", () => socket.write(first));
    const data = (chunk) => {
      let answered;
      try {
        answered = onData(chunk, socket);
      } catch (error) {
        reject(error);
        return;
      }
      if (!answered) return;
      socket.off("data", data);
      socket.off("error", reject);
      socket.on("error", () => {});
      // h2 servers may still send (WINDOW_UPDATE, SETTINGS ACK); keep reading so nothing piles up.
      socket.on("data", (more) => {
        try {
          onData(more, socket);
        } catch {
          // Answered already: what an idle connection receives later is not measured.
        }
      });
      resolve(socket);
    };
    socket.on("data", data);
    socket.on("error", reject);
    socket.once("close", () => reject(new Error("closed before the answer")));
  });
}

/**
 * The first bytes and the answer check of one connection of `kind`: `[first, onData(chunk, socket)]`,
 * where `onData` returns true once the connection is answered.
 */
function protocol(kind) {
  let text = "";
  if (kind === "http1") {
    return [
      HTTP1_GET,
      (chunk) => {
        text += chunk.toString("latin1");
        return http1Answered(text);
      },
    ];
  }
  if (kind === "ws") {
    let answered = false;
    return [
      upgradeRequest(HOST),
      (chunk) => {
        if (answered) return true; // frames after the 101 (there are none while idle) are ignored
        text += chunk.toString("latin1");
        answered = upgradeHeadEnd(text) >= 0;
        return answered;
      },
    ];
  }
  if (kind === "h2") {
    let answered = false;
    let socket;
    const read = h2FrameReader({
      settings: () => socket.write(SETTINGS_ACK),
      done: () => {
        answered = true;
      },
      fail: (message) => {
        if (!answered) throw new Error(`h2 server refused: ${message}`);
      },
    });
    return [
      h2cGetBytes(HOST),
      (chunk, s) => {
        socket = s;
        read(chunk);
        return answered;
      },
    ];
  }
  throw new Error(`unknown kind ${kind}`);
}

async function open(port, count, kind) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      sockets.push(await openOne(port, ...protocol(kind)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH, count) }, worker));
  return { open: sockets.length, ms: performance.now() - started };
}

function closeAll() {
  for (const socket of sockets) socket.destroy();
  const closed = sockets.length;
  sockets = [];
  return { closed };
}

serveCommands(
  {},
  async (command) => {
    if (command.cmd === "open")
      return within(open(command.port, command.count, command.kind ?? "http1"), OPEN_LIMIT_MS, "opening connections");
    if (command.cmd === "close") return closeAll();
    throw new Error(`unknown command ${command.cmd}`);
  },
  closeAll,
);
