// A raw node:net / node:tls peer for the Worker's own cases (independent of any sansio adapter).
// Every connection starts with one command line; the rest of the stream belongs to the command:
//   ECHO                 echo everything, FIN after the client's FIN
//   SEND <n>             send n pattern bytes, FIN, ignore input
//   FINFIRST <n> <tok>   send n pattern bytes, FIN, then record what arrives until EOF under <tok>
//   STATS <tok>          answer `<bytes> <sha256>\n` for what FINFIRST/HOLD <tok> received, FIN
//   HOLD <tok>           read nothing until RELEASE <tok>; then read until EOF, answer `<bytes> <sha256>\n`, FIN
//   RELEASE <tok>        resume the held connection, answer `OK\n`, FIN
//   STARTTLS             answer `GO\n`, then act as a TLS server (the test certificate) and echo
//   RESET <n>            read n bytes, then reset the connection (RST)
import { createHash } from "node:crypto";
import net from "node:net";
import tls from "node:tls";

const MAX_LINE = 256;
const WAIT_LIMIT_MS = 10_000;

/** Byte `i` of the pattern the peer sends: the same function as the conformance pattern. */
export function patternByte(i) {
  return (i * 31 + (i >>> 8)) & 255;
}

function pattern(length) {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(i);
  return out;
}

/** Counts and hashes what arrives until EOF. */
function drain(socket, onDone) {
  const hash = createHash("sha256");
  let bytes = 0;
  socket.on("data", (chunk) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  socket.once("end", () => onDone({ bytes, sha256: hash.digest("hex") }));
}

/** Reads the command line, then hands the socket (with any bytes after the line unshifted) to `route`. */
function onCommand(socket, route) {
  let line = Buffer.alloc(0);
  const onData = (chunk) => {
    line = Buffer.concat([line, chunk]);
    const end = line.indexOf(10);
    if (end < 0) {
      if (line.length > MAX_LINE) socket.destroy();
      return;
    }
    socket.off("data", onData);
    socket.pause();
    const rest = line.subarray(end + 1);
    if (rest.length > 0) socket.unshift(rest);
    route(line.subarray(0, end).toString("latin1").split(" "));
  };
  socket.on("data", onData);
}

/**
 * Starts the peer on 127.0.0.1: a plain and a TLS listener (same commands), and a port where nothing
 * listens. `close()` stops everything.
 */
export async function startFixturePeer({ cert, key }) {
  const stats = new Map();
  const statsWaiters = new Map();
  const held = new Map();
  const sockets = new Set();

  const record = (token, value) => {
    stats.set(token, value);
    for (const wake of statsWaiters.get(token) ?? []) wake();
    statsWaiters.delete(token);
  };
  const whenStats = (token) =>
    new Promise((resolve) => {
      if (stats.has(token)) return resolve(stats.get(token));
      const timer = setTimeout(() => resolve(undefined), WAIT_LIMIT_MS);
      const list = statsWaiters.get(token) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(stats.get(token));
      });
      statsWaiters.set(token, list);
    });

  const handle = (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onCommand(socket, ([command, a, b]) => {
      switch (command) {
        case "ECHO":
          socket.pipe(socket);
          socket.resume();
          return;
        case "SEND":
          socket.end(pattern(Number(a)));
          socket.resume();
          return;
        case "FINFIRST":
          socket.end(pattern(Number(a)));
          drain(socket, (result) => record(b, result));
          socket.resume();
          return;
        case "STATS":
          socket.resume();
          void whenStats(a).then((result) => socket.end(result ? `${result.bytes} ${result.sha256}\n` : "NONE\n"));
          return;
        case "HOLD":
          held.set(a, () => {
            drain(socket, (result) => {
              record(a, result);
              socket.end(`${result.bytes} ${result.sha256}\n`);
            });
            socket.resume();
          });
          return;
        case "RELEASE": {
          const release = held.get(a);
          held.delete(a);
          release?.();
          socket.resume();
          socket.end(release ? "OK\n" : "NONE\n");
          return;
        }
        case "STARTTLS":
          socket.write("GO\n", () => {
            const secure = new tls.TLSSocket(socket, { isServer: true, cert, key });
            secure.on("error", () => {});
            secure.pipe(secure);
          });
          return;
        case "RESET": {
          let seen = 0;
          socket.on("data", (chunk) => {
            seen += chunk.length;
            if (seen >= Number(a)) socket.resetAndDestroy();
          });
          socket.resume();
          return;
        }
        default:
          socket.destroy();
      }
    });
  };

  const plain = net.createServer({ allowHalfOpen: true }, handle);
  const secure = tls.createServer({ cert, key, allowHalfOpen: true }, handle);
  // Raw TCP sockets too (a TLS socket that never finished its handshake is not handed to `handle`).
  for (const server of [plain, secure]) {
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  }
  const listen = (server) =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server.address().port));
    });
  const closedServer = net.createServer();
  const refused = await listen(closedServer);
  await new Promise((resolve) => closedServer.close(resolve));
  const ports = { plain: await listen(plain), tls: await listen(secure), refused };
  return {
    ports,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([plain, secure].map((server) => new Promise((resolve) => server.close(() => resolve()))));
    },
  };
}
