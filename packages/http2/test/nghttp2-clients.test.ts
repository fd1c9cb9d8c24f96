// nghttp and h2load (Debian nghttp2-client) as CLIENTS of our http2Server on @sansio/node, h2c by prior
// knowledge.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime } from "@sansio/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTool } from "../../../tests/support/nghttp2.mjs";
import { http2Server } from "../src/index.js";
import { runTool, warnIfMissing } from "./nghttp2-peer.js";

const NGHTTP = findTool("nghttp");
const H2LOAD = findTool("h2load");
warnIfMissing("nghttp", NGHTTP, "the nghttp tests against our server");
warnIfMissing("h2load", H2LOAD, "the h2load test against our server");

/** The `:status` of every response in an `nghttp -v` transcript, in the order they arrived. */
function statuses(transcript: string): number[] {
  return Array.from(transcript.matchAll(/recv \(stream_id=\d+\) :status: (\d{3})\n/g), (match) => Number(match[1]));
}

describe.skipIf(NGHTTP === undefined && H2LOAD === undefined)("nghttp2's clients against our server (h2c)", () => {
  let url = "";
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const listener = await runtime.listen(
      { hostname: "127.0.0.1" },
      http2Server(async (request, response) => {
        const body = await request.body.text();
        if (request.path === "/missing") return response.respond(404, { "content-type": "text/plain" }, "no");
        response.respond(
          200,
          { "content-type": "text/plain", "x-version": request.version },
          `${request.method} ${request.path} [${body}]`,
        );
      }),
    );
    url = `http://127.0.0.1:${listener.address.transport === "tcp" ? listener.address.port : 0}`;
    close = () => listener.close({ timeout: 1000 });
  });
  afterAll(() => close());

  it.skipIf(NGHTTP === undefined)("nghttp -v: the status, our headers and the body", async () => {
    const out = await runTool(NGHTTP as string, ["-v", `${url}/hello?x=1`]);
    expect(statuses(out)).toEqual([200]);
    expect(out).toMatch(/recv \(stream_id=\d+\) x-version: HTTP\/2\n/);
    expect(out).toMatch(/recv SETTINGS frame <length=0, flags=0x01, stream_id=0>/); // our ACK of its SETTINGS
    expect(out).toContain("GET /hello?x=1 []");
    expect(statuses(await runTool(NGHTTP as string, ["-v", `${url}/missing`]))).toEqual([404]);
  });

  it.skipIf(NGHTTP === undefined)("nghttp: a POST body and several URLs on one connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sansio-h2-nghttp-"));
    try {
      writeFileSync(join(dir, "body.txt"), "posted by nghttp");
      const posted = await runTool(NGHTTP as string, ["-d", join(dir, "body.txt"), `${url}/post`]);
      expect(posted).toBe("POST /post [posted by nghttp]");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const many = await runTool(NGHTTP as string, ["-v", `${url}/1`, `${url}/2`, `${url}/3`]);
    expect(statuses(many)).toEqual([200, 200, 200]);
    expect(many.match(/recv SETTINGS frame <length=\d+, flags=0x00/g)).toHaveLength(1); // one connection
    for (const path of ["/1", "/2", "/3"]) expect(many).toContain(`GET ${path} []`);
  });

  it.skipIf(H2LOAD === undefined)(
    "h2load -n 2000 -c 4 -m 10: all 2000 requests succeed, none failed, errored or timed out",
    async () => {
      const out = await runTool(H2LOAD as string, ["-n", "2000", "-c", "4", "-m", "10", `${url}/load`], 60_000);
      const requests =
        /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
          out,
        );
      expect(requests, out).not.toBeNull();
      expect(requests?.slice(1).map(Number)).toEqual([2000, 2000, 2000, 2000, 0, 0, 0]);
      expect(out).toMatch(/status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx/);
    },
  );
});
