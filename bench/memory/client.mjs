// The idle-connection client of the memory row: `node bench/memory/client.mjs`.
// `open { port, count }`: opens `count` keep-alive connections (at most BATCH connecting at once), sends
// one GET on each and waits for its whole response; the connections then stay open and idle.
// `close`: destroys them all.
import net from "node:net";
import { serveCommands, within } from "../lib/commands.mjs";

const HOST = "127.0.0.1";
const BATCH = 250;
const OPEN_LIMIT_MS = 120_000;
const REQUEST = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");

/** @type {net.Socket[]} */
let sockets = [];

/** One connection with one answered request; resolves once the response (head and body) arrived. */
function openOne(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port, noDelay: true });
    let text = "";
    socket.setEncoding("latin1");
    socket.once("connect", () => socket.write(REQUEST));
    const onData = (chunk) => {
      text += chunk;
      const headEnd = text.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headEnd));
      if (!text.startsWith("HTTP/1.1 200") || !length) {
        reject(new Error(`unexpected response: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      if (text.length < headEnd + 4 + Number(length[1])) return;
      socket.off("data", onData);
      socket.off("error", reject);
      socket.on("error", () => {});
      resolve(socket);
    };
    socket.on("data", onData);
    socket.on("error", reject);
    socket.once("close", () => reject(new Error("closed before the response")));
  });
}

async function open(port, count) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      sockets.push(await openOne(port));
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
    if (command.cmd === "open") return within(open(command.port, command.count), OPEN_LIMIT_MS, "opening connections");
    if (command.cmd === "close") return closeAll();
    throw new Error(`unknown command ${command.cmd}`);
  },
  closeAll,
);
