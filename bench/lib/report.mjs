// Renders the bench results as markdown tables (printed, and written to bench/RESULTS.md).

/**
 * The goals of issues 6 and 15 (sockets, http1), 11 (http2) and 12 (websocket): benchmark goals, not test
 * assertions. Rows without a goal (http2 on Bun and Deno, the new memory rows) show their ratio only.
 */
export const TARGETS = {
  bulk: 0.95,
  rtt: 0.9,
  http: { node: 1.5, bun: 1.0, deno: 0.9 },
  /** http1 against its runtime's socket-API floor (issue 15). */
  httpFloor: 0.85,
  pipelined: 2,
  memory: 0.5,
  http2Server: { node: 2 },
  http2Client: 1.5,
  websocket: { node: 1.5, bun: 0.8, deno: 0.8 },
};

const x = (ratio) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "–");
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const kib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : "–");
const met = (ok) => (ok ? "met" : "**not met**");
/** "≥ goal: met / not met", or "no goal" when the issue set none for this row. */
const goal = (ratio, target) => (target === undefined ? "no goal" : `≥ ${target}: ${met(ratio >= target)}`);

/** A control row: one side against itself (ratio in column 5, CPU ratio in column 8, of `columns`). */
function controlRow(name, label, ratio, cpuRatio, columns) {
  return [name, label, "", "", x(ratio), "", "", x(cpuRatio), ...Array(columns - 8).fill("")];
}

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
  if (results.cpu) out.push(...cpuTables(results.cpu, config));
  if (results.http) {
    const rows = [];
    for (const row of results.http.hello) {
      if (row.error) {
        rows.push(failed({ ...row, runtime: `${row.runtime}: http1 vs ${row.native}` }, 11));
        continue;
      }
      const target = TARGETS.http[row.id];
      rows.push([
        `${row.runtime}: http1 vs ${row.native}, ${row.floor} floor`,
        fixed(row.sansio),
        fixed(row.nativeRps),
        fixed(row.floorRps),
        x(row.ratio),
        `≥ ${target}: ${met(row.ratio >= target)}`,
        x(row.vsFloor),
        `≥ ${TARGETS.httpFloor}: ${met(row.vsFloor >= TARGETS.httpFloor)}`,
        x(row.nativeVsFloor),
        `${fixed(row.sansioCpu, 1)} / ${fixed(row.nativeCpu, 1)} / ${fixed(row.floorCpu, 1)}`,
        x(row.cpuRatio),
      ]);
      if (row.control !== undefined) {
        rows.push([
          `${row.runtime}: control, ${row.native} vs itself`,
          "",
          "",
          "",
          x(row.control),
          "",
          "",
          "",
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
          "floor req/s",
          "http1 / native",
          "target",
          "http1 / floor",
          "target",
          "native / floor",
          "server CPU µs/req: http1 / native / floor",
          "CPU: http1 / native (req per CPU s)",
        ],
        rows,
      ),
      "",
      `### 3b. Where the distance to the floor is: the floor's work (count heads, canned answer) over the adapter (${results.http.generator})`,
      "",
      table(
        [
          "runtime",
          "raw floor req/s",
          "adapter floor req/s",
          "adapter floor / raw floor",
          "http1 / adapter floor",
          "server CPU µs/req: raw floor / adapter floor / http1",
        ],
        results.http.hello
          .filter((row) => !row.error)
          .map((row) => [
            `${row.runtime}: ${row.floor}`,
            fixed(row.floorRps),
            fixed(row.adapterFloorRps),
            x(row.adapterFloorVsFloor),
            x(row.sansioVsAdapterFloor),
            `${fixed(row.floorCpu, 1)} / ${fixed(row.adapterFloorCpu, 1)} / ${fixed(row.sansioCpu, 1)}`,
          ]),
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
    // One result (older runs) or one per runtime, Node's first: only Node's has a target.
    const [node, ...others] = Array.isArray(results.memory) ? results.memory : [results.memory];
    out.push(...memoryTable(node, "5. Memory", "idle keep-alive connections", "http1 / node:http", TARGETS.memory));
    for (const [i, memory] of others.entries()) {
      const native = memory.rows?.[1]?.server ?? memory.native;
      out.push(...memoryTable(memory, `5${"bc"[i]}. Memory`, "idle keep-alive connections", `http1 / ${native}`));
    }
  }
  if (results.http2) out.push(...http2Tables(results.http2));
  if (results.websocket) out.push(...websocketTables(results.websocket));
  return out.join("\n");
}

/** Rows 1b and 2b: the CPU-bound rows (client and server in one process, one thread). */
function cpuTables(cpu, config) {
  const row = (r, adapter, raw, target, digits) =>
    r.error
      ? failed(r, 9)
      : [
          r.runtime,
          adapter,
          raw,
          x(r.ratio),
          met(r.ratio >= target),
          `${fixed(r.adapterCpuPer, digits)} / ${fixed(r.rawCpuPer, digits)}`,
          x(r.cpuRatio),
          `${x(r.clientOnly)}, ${x(r.serverOnly)}`,
          `${x(r.control)}, ${x(r.cpuControl)}`,
        ];
  const head = (unit, rate, target) => [
    "runtime",
    `adapter ${rate}`,
    `raw ${rate}`,
    "adapter / raw",
    `target ≥ ${target}`,
    `CPU µs per ${unit}: adapter / raw`,
    "CPU: adapter / raw",
    "adapter on one side: client, server",
    "control: time, CPU",
  ];
  const mib = (config.bulkBytes / 1024 / 1024).toFixed(0);
  return [
    `### 1b. CPU-bound bulk echo, one process (client and server share one thread): ${mib} MiB in ${config.chunk / 1024} KiB chunks`,
    "",
    table(
      head("MiB", "MiB/s", TARGETS.bulk),
      cpu.bulk.map((r) => row(r, fixed(r.adapter), fixed(r.raw), TARGETS.bulk, 0)),
    ),
    "",
    `### 2b. CPU-bound round trips, one process: ${config.rttSize} bytes, ${config.rttCount} per round`,
    "",
    table(
      head("trip", "µs/trip", TARGETS.rtt),
      cpu.rtt.map((r) => row(r, fixed(r.adapter, 1), fixed(r.raw, 1), TARGETS.rtt, 2)),
    ),
    "",
  ];
}

/** An idle-memory table (heap, external, RSS per connection of two servers, and their ratio). */
function memoryTable(memory, title, what, ratioLabel, target) {
  if (memory.error) {
    const where = memory.runtime ? ` on ${memory.runtime}` : "";
    return [`### ${title} of ${what}${where}`, "", `failed: ${memory.error.split("\n")[0]}`, ""];
  }
  const [sansio, native] = memory.rows;
  const value = (row, key) => (key === "both" ? row.heap + row.external : row[key]);
  // A ratio over a near-zero denominator (e.g. node:http keeps no ArrayBuffers per connection) means nothing.
  const ratio = (key) => (Math.abs(value(native, key)) < 64 ? Number.NaN : value(sansio, key) / value(native, key));
  const rows = [
    ...memory.rows.map((row) => [
      row.server,
      kib(row.heap),
      kib(row.external),
      kib(row.heap + row.external),
      kib(row.rss),
    ]),
    [ratioLabel, x(ratio("heap")), x(ratio("external")), x(ratio("both")), x(ratio("rss"))],
  ];
  if (target !== undefined)
    rows.push([
      `target ≤ ${target}`,
      met(ratio("heap") <= target),
      "",
      met(ratio("both") <= target),
      met(ratio("rss") <= target),
    ]);
  return [
    `### ${title}: ${memory.connections} ${what} on ${memory.runtime}, per connection`,
    "",
    table(["server", "heap", "external (ArrayBuffers...)", "heap + external", "RSS"], rows),
    "",
  ];
}

function http2Tables(http2) {
  const out = [];
  const { server, client, memory } = http2;
  if (server.skipped) {
    out.push("### 6. HTTP/2 server, hello world (h2c)", "", `skipped: ${server.skipped}`, "");
  } else {
    out.push(
      `### 6. HTTP/2 server, hello world (h2c), 10 connections × 10 and × 100 streams (${server.generator})`,
      "",
      table(
        [
          "runtime",
          "streams per connection",
          "@sansio/http2 req/s",
          "node:http2 req/s",
          "sansio / node:http2",
          "goal",
          "server CPU µs/req: sansio / node:http2",
          "CPU: sansio / node:http2 (req per CPU s)",
        ],
        server.rows.map((row) => {
          if (row.error) return [row.runtime, `failed: ${row.error.split("\n")[0]}`, "", "", "", "", "", ""];
          if (row.control)
            return controlRow(`${row.runtime}: control, node:http2 vs itself`, row.streams, row.ratio, row.cpuRatio, 8);
          return [
            row.runtime,
            row.streams,
            row.sansioError ? `failed: ${row.sansioError}` : fixed(row.sansio),
            row.nativeError ? `failed: ${row.nativeError}` : fixed(row.native),
            x(row.ratio),
            Number.isFinite(row.ratio) ? goal(row.ratio, TARGETS.http2Server[row.id]) : "–",
            `${fixed(row.sansioCpu, 1)} / ${fixed(row.nativeCpu, 1)}`,
            x(row.cpuRatio),
          ];
        }),
      ),
      "",
    );
  }
  if (client.error) out.push("### 7. HTTP/2 client", "", `failed: ${client.error}`, "");
  else
    out.push(
      `### 7. HTTP/2 client: ${client.requests} requests over one connection to a ${client.peer}, on ${client.runtime}`,
      "",
      table(
        [
          "in flight",
          "@sansio/http2 req/s",
          "node:http2 client req/s",
          "sansio / node:http2",
          `goal ≥ ${TARGETS.http2Client}`,
          "client CPU µs/req: sansio / node:http2",
          "CPU: sansio / node:http2 (req per CPU s)",
        ],
        client.rows.map((row) => [
          row.inflight,
          fixed(row.sansio),
          fixed(row.native),
          x(row.ratio),
          met(row.ratio >= TARGETS.http2Client),
          `${fixed(row.sansioCpu, 1)} / ${fixed(row.nativeCpu, 1)}`,
          x(row.cpuRatio),
        ]),
      ),
      "",
    );
  out.push(...memoryTable(memory, "8. Memory", "idle h2 connections (one answered GET each)", "sansio / node:http2"));
  return out;
}

function websocketTables(websocket) {
  const out = [];
  const { echo, memory } = websocket;
  out.push(
    `### 9. WebSocket echo, ${echo.connections} connections (${echo.generator})`,
    "",
    table(
      [
        "runtime: sansio vs native",
        "messages",
        "@sansio/websocket msg/s",
        "native msg/s",
        "sansio / native",
        "goal",
        "server CPU µs/msg: sansio / native",
        "CPU: sansio / native (msg per CPU s)",
        "load generator busy",
      ],
      echo.rows.map((row) => {
        const name = `${row.runtime}: vs ${row.native}`;
        if (row.error) return [name, `failed: ${row.error.split("\n")[0]}`, "", "", "", "", "", "", ""];
        if (row.control)
          return controlRow(`${row.runtime}: control, ${row.native} vs itself`, row.label, row.ratio, row.cpuRatio, 9);
        return [
          name,
          row.label,
          fixed(row.sansio),
          fixed(row.nativeRate),
          x(row.ratio),
          goal(row.ratio, TARGETS.websocket[row.id]),
          `${fixed(row.sansioCpu, 2)} / ${fixed(row.nativeCpu, 2)}`,
          x(row.cpuRatio),
          `${fixed(row.clientBusy * 100)}%`,
        ];
      }),
    ),
    "",
  );
  out.push(...memoryTable(memory, "10. Memory", "open idle WebSockets", "sansio / ws"));
  return out;
}
