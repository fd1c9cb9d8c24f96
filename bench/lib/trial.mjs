// One socket-benchmark trial, the same on every runtime: the raw side is the runtime's own socket
// code (passed in), the adapter side is `runtime.connect` with the bench's client protocols.
// Plain ESM with no runtime imports, so it runs under Node, Deno, Bun and inside workerd.
import { BulkClient, PingPongClient, patternBytes } from "./protocols.mjs";

const TRIAL_LIMIT_MS = 60_000;

function deadline(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Makes `trial(command)` for one runtime: `command` is `{ test: "bulk" | "rtt", impl: "raw" | "adapter",
 * port, … }`, the result the trial's milliseconds. `raw` holds the runtime's own `bulk(port, chunk,
 * total)` and `rtt(port, message, count)`.
 */
export function socketTrial(runtime, raw, host = "127.0.0.1") {
  async function adapter(port, client) {
    const session = await runtime.connect({ hostname: host, port }, client);
    try {
      return await client.done;
    } finally {
      session.close();
      await session.closed;
    }
  }
  return (command) => {
    const { test, impl, port } = command;
    if (test === "bulk") {
      const chunk = patternBytes(command.chunk);
      const run =
        impl === "raw" ? raw.bulk(port, chunk, command.total) : adapter(port, new BulkClient(chunk, command.total));
      return deadline(run, TRIAL_LIMIT_MS, "bulk echo");
    }
    if (test === "rtt") {
      const message = patternBytes(command.size);
      const run =
        impl === "raw"
          ? raw.rtt(port, message, command.count)
          : adapter(port, new PingPongClient(message, command.count));
      return deadline(run, TRIAL_LIMIT_MS, "round trips");
    }
    throw new Error(`unknown test ${test}`);
  };
}
