// The WebSocket load generator: `node bench/ws/load.mjs`, a raw-socket client in its own process.
// `run { port, connections, size, inflight, seconds }`: opens `connections` WebSockets (no extensions
// offered), keeps `inflight` binary messages of `size` bytes in flight on each (an echoed message is
// answered at once by the next) for `seconds`, and replies with the messages echoed, the measured
// milliseconds and this process's CPU microseconds over them.
// Why raw sockets and not `ws` clients: the frames are masked once up front and written again and
// again, and the echoes are only counted (headers read, payloads skipped, never copied), so a
// message costs the generator a small fraction of what it costs the server (the table's "load
// generator busy" column shows how much of one core it used); `ws` clients would unmask, copy and
// re-mask every message, and on two cores would compete with the server they measure.
import net from "node:net";
import { serveCommands, within } from "../lib/commands.mjs";
import { CLOSE_FRAME, frameCounter, maskedBinaryFrames, upgradeHeadEnd, upgradeRequest } from "../lib/ws-raw.mjs";

const HOST = "127.0.0.1";
const TRIAL_LIMIT_MS = 60_000;
const CLOSE_LIMIT_MS = 2_000;

/** Opens one WebSocket; resolves with the socket and any bytes that came after the 101 head. */
function openWebSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port, noDelay: true });
    let head = Buffer.alloc(0);
    socket.once("connect", () => socket.write(upgradeRequest(`${HOST}:${port}`)));
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      let end;
      try {
        end = upgradeHeadEnd(head.toString("latin1"));
      } catch (error) {
        socket.destroy();
        reject(error);
        return;
      }
      if (end < 0) return;
      socket.off("data", onData);
      socket.off("error", reject);
      resolve({ socket, rest: head.subarray(end) });
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

async function run({ port, connections, size, inflight, seconds }) {
  const { bytes: frames, frameLength } = maskedBinaryFrames(size, inflight);
  const opened = await Promise.all(Array.from({ length: connections }, () => openWebSocket(port)));
  let echoed = 0;
  let measuring = true;
  /** @type {Error | undefined} */
  let failure;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  for (const { socket, rest } of opened) {
    const count = frameCounter(size);
    const onData = (chunk) => {
      let done;
      try {
        done = count(chunk);
      } catch (error) {
        failure ??= error;
        socket.destroy();
        return;
      }
      if (done === 0 || !measuring) return;
      echoed += done;
      socket.write(done === inflight ? frames : frames.subarray(0, done * frameLength));
    };
    socket.on("error", () => {});
    socket.on("data", onData);
    if (rest.length > 0) onData(rest);
    socket.write(frames);
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  measuring = false;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const messages = echoed;
  await Promise.all(
    opened.map(
      ({ socket }) =>
        new Promise((resolve) => {
          const limit = setTimeout(() => {
            socket.destroy();
            resolve();
          }, CLOSE_LIMIT_MS);
          socket.once("close", () => {
            clearTimeout(limit);
            resolve();
          });
          socket.end(CLOSE_FRAME);
        }),
    ),
  );
  if (failure) throw failure;
  return { messages, ms, cpuMicros: cpu.user + cpu.system };
}

serveCommands({}, async (command) => {
  if (command.cmd !== "run") throw new Error(`unknown command ${command.cmd}`);
  return within(run(command), TRIAL_LIMIT_MS, "websocket echo");
});
