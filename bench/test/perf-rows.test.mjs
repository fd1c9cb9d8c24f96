// Smoke tests of the machinery behind the issue-15 rows, at tiny sizes and with no timing assertions:
// the floor servers' head counter (pure, table-tested), the Node floor server against real requests,
// the one-process (`--local`) socket mode the CPU-bound rows use, the idle-memory measurement on
// another runtime's server, and the tables they render into. `node --test bench/test/*.test.mjs`.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import net from "node:net";
import { describe, it } from "node:test";
import { CANNED_HELLO, cannedAnswers, headCounter } from "../lib/canned.mjs";
import { startChild } from "../lib/child.mjs";
import { renderResults } from "../lib/report.mjs";
import { benchRuntimes } from "../lib/runtimes.mjs";
import { runCpuRows } from "../sections/cpu.mjs";
import { measureIdleMemory } from "../sections/memory.mjs";

const bytes = (text) => new TextEncoder().encode(text);
const GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

/** Feeds `text` to one counter in pieces of `step` bytes; returns the heads counted. */
function countInSteps(text, step) {
  const count = headCounter();
  const all = bytes(text);
  let heads = 0;
  for (let at = 0; at < all.length; at += step) heads += count(all.subarray(at, at + step));
  return heads;
}

describe("headCounter", () => {
  const cases = [
    { name: "nothing", text: "", heads: 0 },
    { name: "one head", text: GET, heads: 1 },
    { name: "three pipelined heads", text: GET.repeat(3), heads: 3 },
    { name: "a head not finished", text: "GET / HTTP/1.1\r\nHost: x\r\n\r", heads: 0 },
    { name: "bare LFs are not a blank line", text: "GET / HTTP/1.1\n\n", heads: 0 },
    { name: "CR CR LF CR LF", text: "a\r\r\n\r\n", heads: 1 },
    { name: "CR LF CR CR LF CR LF", text: "a\r\n\r\r\n\r\n", heads: 1 },
    { name: "two blank lines in a row", text: "a\r\n\r\n\r\n\r\n", heads: 2 },
  ];
  for (const { name, text, heads } of cases) {
    it(`${name}: ${heads} at every split`, () => {
      for (const step of [1, 2, 3, 5, 7, 1000]) assert.equal(countInSteps(text, step), heads, `steps of ${step}`);
    });
  }
});

describe("cannedAnswers", () => {
  it("repeats the canned response once per head", () => {
    assert.equal(cannedAnswers(1), CANNED_HELLO);
    const three = cannedAnswers(3);
    assert.equal(three.length, 3 * CANNED_HELLO.length);
    assert.deepEqual(three.subarray(2 * CANNED_HELLO.length), CANNED_HELLO);
    assert.match(
      new TextDecoder().decode(CANNED_HELLO),
      /^HTTP\/1\.1 200 OK\r\n.*Content-Length: 13\r\n\r\nHello, World!$/s,
    );
  });
});

const runtimes = benchRuntimes();

/** Whether the runtime's binary is there (a bare command name is looked up on PATH by spawn). */
const installed = (runtime) => (runtime.command.includes("/") ? existsSync(runtime.command) : true);

for (const id of ["node", "deno", "bun"]) {
  const runtime = runtimes[id];
  const skip = !installed(runtime) && `${id} is not installed`;

  describe(`the ${id} floor servers (raw, and over the adapter)`, () => {
    for (const impl of ["floor", "adapter-floor"]) {
      it(`${impl}: answers every request head of a pipelined write, split across writes`, { skip }, async () => {
        const server = await startChild(runtime.command, [...runtime.prefix, `bench/http/${id}.mjs`, impl]);
        try {
          const expected = 5 * CANNED_HELLO.length;
          const received = await new Promise((resolve, reject) => {
            const socket = net.connect({ host: "127.0.0.1", port: server.ready.port });
            const timer = setTimeout(() => reject(new Error("no complete answer within 10 s")), 10_000);
            let got = 0;
            socket.on("error", reject);
            socket.on("connect", () => {
              const all = GET.repeat(5);
              socket.write(all.slice(0, 30));
              setTimeout(() => socket.write(all.slice(30)), 20);
            });
            socket.on("data", (chunk) => {
              got += chunk.length;
              if (got >= expected) {
                clearTimeout(timer);
                socket.destroy();
                resolve(got);
              }
            });
          });
          assert.equal(received, expected);
        } finally {
          await server.stop();
        }
      });
    }
  });

  describe(`one-process socket rows on ${id}`, () => {
    it("run bulk echo and round trips in one process and render tables 1b and 2b", { skip }, async () => {
      const config = { rounds: 1, bulkBytes: 1024 * 1024, chunk: 64 * 1024, rttCount: 20, rttSize: 64 };
      const cpu = await runCpuRows(runtimes, config, () => {}, [id]);
      const [bulk] = cpu.bulk;
      const [rtt] = cpu.rtt;
      assert.equal(bulk.error, undefined, bulk.error);
      assert.equal(rtt.error, undefined, rtt.error);
      assert.ok(bulk.adapter > 0 && bulk.raw > 0 && rtt.adapter > 0 && rtt.raw > 0);
      for (const key of ["client", "server", "control"]) assert.equal(bulk.samples[key].length, 1);
      const text = renderResults({ cpu }, config);
      assert.match(text, /### 1b\. CPU-bound bulk echo/);
      assert.match(text, /### 2b\. CPU-bound round trips/);
      assert.ok(text.includes(runtime.label));
    });
  });
}

describe("idle memory on another runtime", () => {
  const bun = runtimes.bun;
  const usable = existsSync(bun.command) || !bun.command.includes("/");
  it("measures Bun.serve and http1 over @sansio/bun with a few connections", {
    skip: !usable && "bun is not installed",
  }, async () => {
    const result = await measureIdleMemory(
      runtimes.node,
      { rounds: 1, connections: 20 },
      { script: "bench/http/bun.mjs", kind: "http1", sides: { sansio: "http1", native: "Bun.serve" } },
      () => {},
      bun,
    );
    assert.equal(result.runtime, bun.label);
    assert.deepEqual(
      result.rows.map((row) => row.server),
      ["http1", "Bun.serve"],
    );
    for (const row of result.rows) assert.ok(Number.isFinite(row.heap) && Number.isFinite(row.rss));
    const text = renderResults({ memory: [result, result] }, {});
    assert.match(text, /### 5b\. Memory: 20 idle keep-alive connections on bun/);
  });
});
