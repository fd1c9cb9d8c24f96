// Renders the bench results as markdown tables (printed, and written to bench/RESULTS.md).

/** The goals of issue 6 (benchmark goals, not test assertions). */
export const TARGETS = {
  bulk: 0.95,
  rtt: 0.9,
  http: { node: 1.5, bun: 0.8, deno: 0.8 },
  pipelined: 2,
  memory: 0.5,
};

const x = (ratio) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "–");
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const kib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : "–");
const met = (ok) => (ok ? "met" : "**not met**");

function table(head, rows) {
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

function failed(row, columns) {
  return [row.runtime, `failed: ${row.error.split("\n")[0]}`, ...Array(columns - 2).fill("")];
}

function socketRow(row, adapter, raw, target) {
  const sides = row.clientOnly === undefined ? "(client only)" : `${x(row.clientOnly)}, ${x(row.serverOnly)}`;
  return [
    row.runtime,
    adapter,
    raw,
    x(row.ratio),
    met(row.ratio >= target),
    x(row.cpuRatio),
    sides,
    `${x(row.control)}, ${x(row.cpuControl)}`,
  ];
}

/** Markdown for whatever sections ran. */
export function renderResults(results, config) {
  const out = [];
  if (results.sockets) {
    const mib = (config.bulkBytes / 1024 / 1024).toFixed(0);
    out.push(
      `### 1. Bulk echo: ${mib} MiB in ${config.chunk / 1024} KiB chunks (adapter / raw runtime API)`,
      "",
      table(
        [
          "runtime",
          "adapter MiB/s",
          "raw MiB/s",
          "adapter / raw",
          `target ≥ ${TARGETS.bulk}`,
          "CPU: adapter / raw",
          "adapter on one side: client, server",
          "control: time, CPU",
        ],
        results.sockets.bulk.map((row) =>
          row.error ? failed(row, 8) : socketRow(row, fixed(row.adapter), fixed(row.raw), TARGETS.bulk),
        ),
      ),
      "",
      `### 2. Small messages: ${config.rttSize}-byte round trips, ${config.rttCount} per round (adapter / raw)`,
      "",
      table(
        [
          "runtime",
          "adapter µs/trip",
          "raw µs/trip",
          "adapter / raw (trips/s)",
          `target ≥ ${TARGETS.rtt}`,
          "CPU: adapter / raw",
          "adapter on one side: client, server",
          "control: time, CPU",
        ],
        results.sockets.rtt.map((row) =>
          row.error ? failed(row, 8) : socketRow(row, fixed(row.adapter, 1), fixed(row.raw, 1), TARGETS.rtt),
        ),
      ),
      "",
    );
  }
  if (results.http) {
    const rows = [];
    for (const row of results.http.hello) {
      if (row.error) {
        rows.push(failed({ ...row, runtime: `${row.runtime}: http1 vs ${row.native}` }, 7));
        continue;
      }
      const target = TARGETS.http[row.id];
      rows.push([
        `${row.runtime}: http1 vs ${row.native}`,
        fixed(row.sansio),
        fixed(row.nativeRps),
        x(row.ratio),
        `≥ ${target}: ${met(row.ratio >= target)}`,
        `${fixed(row.sansioCpu, 1)} / ${fixed(row.nativeCpu, 1)}`,
        x(row.cpuRatio),
      ]);
      if (row.control !== undefined) {
        rows.push([
          `${row.runtime}: control, ${row.native} vs itself`,
          "",
          "",
          x(row.control),
          "",
          "",
          x(row.cpuControl),
        ]);
      }
    }
    out.push(
      `### 3. HTTP hello world, keep-alive, 50 connections (${results.http.generator})`,
      "",
      table(
        [
          "runtime",
          "http1 req/s",
          "native req/s",
          "http1 / native",
          "target",
          "server CPU µs/req: http1 / native",
          "CPU: http1 / native (req per CPU s)",
        ],
        rows,
      ),
      "",
      `### 4. Pipelined (16 deep) vs not pipelined, http1, 50 connections (${results.http.generator})`,
      "",
      table(
        [
          "runtime",
          "pipelined req/s",
          "not pipelined req/s",
          "pipelined / not",
          `target ≥ ${TARGETS.pipelined}`,
          "CPU: pipelined / not (req per CPU s)",
        ],
        results.http.pipelined.map((row) =>
          row.error
            ? failed(row, 6)
            : [
                row.runtime,
                fixed(row.pipelined),
                fixed(row.unpipelined),
                x(row.ratio),
                met(row.ratio >= TARGETS.pipelined),
                x(row.cpuRatio),
              ],
        ),
      ),
      "",
    );
  }
  if (results.memory) {
    const memory = results.memory;
    if (memory.error) {
      out.push("### 5. Memory of idle keep-alive connections", "", `failed: ${memory.error}`, "");
    } else {
      const [sansio, native] = memory.rows;
      // A ratio over a near-zero denominator (node:http keeps no ArrayBuffers per connection) means nothing.
      const ratio = (key) => (Math.abs(native[key]) < 64 ? Number.NaN : sansio[key] / native[key]);
      out.push(
        `### 5. Memory: ${memory.connections} idle keep-alive connections on ${memory.runtime}, per connection`,
        "",
        table(
          ["server", "heap", "external (ArrayBuffers...)", "RSS"],
          [
            ...memory.rows.map((row) => [row.server, kib(row.heap), kib(row.external), kib(row.rss)]),
            ["http1 / node:http", x(ratio("heap")), x(ratio("external")), x(ratio("rss"))],
            [
              `target ≤ ${TARGETS.memory}`,
              met(ratio("heap") <= TARGETS.memory),
              "",
              met(ratio("rss") <= TARGETS.memory),
            ],
          ],
        ),
        "",
      );
    }
  }
  return out.join("\n");
}
