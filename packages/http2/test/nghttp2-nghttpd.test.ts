// nghttpd (Debian nghttp2-server) as the SERVER for our client on @sansio/node: h2c by prior knowledge
// and TLS with ALPN h2, serving files from a temporary htdocs directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime } from "@sansio/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCertificates } from "../../../tests/support/certs.mjs";
import { findTool, type Nghttpd, type NghttpdTls, startNghttpd } from "../../../tests/support/nghttp2.mjs";
import { connectOurClient, PEER_MODES, type PeerMode } from "./helpers.js";
import { warnIfMissing } from "./nghttp2-peer.js";

const NGHTTPD = findTool("nghttpd");
warnIfMissing("nghttpd", NGHTTPD, "the tests of our client against nghttpd");

const HELLO = "hello from nghttpd\n";
/** 3 MiB: far past the 64 KiB initial stream and connection windows, so flow control must work. */
const LARGE = Uint8Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 31 + (i >> 10)) % 251);

describe.skipIf(NGHTTPD === undefined).each<PeerMode>(PEER_MODES)("our client against nghttpd, %s", (mode) => {
  let dir = "";
  let server: Nghttpd | undefined;
  let ca = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sansio-h2-nghttpd-"));
    const htdocs = join(dir, "htdocs");
    mkdirSync(htdocs);
    writeFileSync(join(htdocs, "hello.txt"), HELLO);
    writeFileSync(join(htdocs, "large.bin"), LARGE);
    for (let i = 0; i < 40; i++) writeFileSync(join(htdocs, `f${i}.txt`), `file ${i}\n`.repeat(i + 1));
    let tls: NghttpdTls | undefined;
    if (mode === "TLS + ALPN h2") {
      const certs = await testCertificates();
      ca = certs.ca;
      tls = { keyFile: join(dir, "key.pem"), certFile: join(dir, "cert.pem") };
      writeFileSync(tls.keyFile, certs.key);
      writeFileSync(tls.certFile, certs.cert);
    }
    server = await startNghttpd(NGHTTPD as string, htdocs, { tls });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const connect = () => connectOurClient(runtime, mode, server?.port ?? 0, ca);

  it("GETs a file nghttpd serves, byte for byte, and answers 404 for one it does not have", async () => {
    const { client, close } = await connect();
    try {
      const hello = await client.request({ path: "/hello.txt" });
      expect(hello.status).toBe(200);
      expect(hello.header("content-length")).toBe(String(HELLO.length));
      expect(new TextDecoder().decode(await hello.body.bytes())).toBe(HELLO);
      const missing = await client.request({ path: "/nothing-here" });
      expect(missing.status).toBe(404);
      await missing.body.discard();
    } finally {
      await close();
    }
  });

  it("carries 40 requests in flight on one connection, each answer on its own stream", async () => {
    const { client, close } = await connect();
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const response = await client.request({ path: `/f${i}.txt` });
          return `${response.status} ${new TextDecoder().decode(await response.body.bytes())}`;
        }),
      );
      expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => `200 ${`file ${i}\n`.repeat(i + 1)}`));
    } finally {
      await close();
    }
  });

  it("reads a 3 MiB file, larger than the initial windows, with every byte intact", async () => {
    const { client, close } = await connect();
    try {
      const [first, second] = await Promise.all([
        client.request({ path: "/large.bin" }),
        client.request({ path: "/large.bin" }),
      ]);
      const [a, b] = await Promise.all([first.body.bytes(), second.body.bytes()]);
      expect(first.status).toBe(200);
      expect(a.length).toBe(LARGE.length);
      expect(Buffer.from(a).equals(Buffer.from(LARGE))).toBe(true);
      expect(Buffer.from(b).equals(Buffer.from(LARGE))).toBe(true);
    } finally {
      await close();
    }
  });

  it("ping() resolves with a round-trip time when nghttpd ACKs", async () => {
    const { client, close } = await connect();
    try {
      const rtt = await client.ping();
      expect(rtt).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(rtt)).toBe(true);
    } finally {
      await close();
    }
  });
});
