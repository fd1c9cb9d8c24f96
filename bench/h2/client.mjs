// The HTTP/2 client side of the http2 section, on Node: `node bench/h2/client.mjs`.
// `run { impl, port, count, inflight }`: one connection to the h2c server on `port`, `count` GET
// requests with `inflight` of them open at any time (each read to its end); replies with the
// milliseconds. impl: `sansio` (@sansio/http2's Http2ClientConnection over @sansio/node) or `native`
// (the node:http2 client).
import http2 from "node:http2";
import { Http2ClientConnection } from "@sansio/http2";
import { runtime } from "@sansio/node";
import { serveCommands, within } from "../lib/commands.mjs";

const HOST = "127.0.0.1";
const TRIAL_LIMIT_MS = 60_000;

/** Runs `count` calls of `one()` with `inflight` open at a time. */
async function keepInFlight(count, inflight, one) {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker));
}

async function sansio(port, count, inflight) {
  const client = new Http2ClientConnection({ authority: `${HOST}:${port}`, scheme: "http" });
  const session = await runtime.connect({ hostname: HOST, port }, client);
  try {
    const started = performance.now();
    await keepInFlight(count, inflight, async () => {
      const response = await client.request({ path: "/" });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      await response.body.bytes();
    });
    return performance.now() - started;
  } finally {
    session.close();
    await session.closed;
  }
}

async function native(port, count, inflight) {
  const session = http2.connect(`http://${HOST}:${port}`);
  session.on("error", () => {});
  await new Promise((resolve, reject) => {
    session.once("connect", resolve);
    session.once("error", reject);
  });
  try {
    const started = performance.now();
    await keepInFlight(
      count,
      inflight,
      () =>
        new Promise((resolve, reject) => {
          const stream = session.request({ ":path": "/" });
          stream.on("response", (headers) => {
            if (headers[":status"] !== 200) reject(new Error(`status ${headers[":status"]}`));
          });
          stream.on("data", () => {});
          stream.once("end", resolve);
          stream.once("error", reject);
        }),
    );
    return performance.now() - started;
  } finally {
    await new Promise((resolve) => session.close(resolve));
  }
}

serveCommands({}, async (command) => {
  if (command.cmd !== "run") throw new Error(`unknown command ${command.cmd}`);
  const { impl, port, count, inflight } = command;
  const run = impl === "sansio" ? sansio : impl === "native" ? native : undefined;
  if (!run) throw new Error(`unknown client ${impl}`);
  return within(run(port, count, inflight), TRIAL_LIMIT_MS, `${impl} client, ${count} requests`);
});
