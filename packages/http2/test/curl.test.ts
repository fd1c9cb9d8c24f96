import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime } from "@sansio/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCertificates } from "../../../tests/support/certs.mjs";
import { http2Server } from "../src/index.js";
import { curl, curlHasHttp2, warnIfNoCurl } from "./curl-peer.js";

warnIfNoCurl("the curl peer tests");

describe.skipIf(!curlHasHttp2)("curl (nghttp2) against our server", () => {
  let port = 0;
  let plainPort = 0;
  let close: () => Promise<void> = async () => {};
  let dir = "";
  beforeAll(async () => {
    const { cert, key, ca } = await testCertificates();
    dir = mkdtempSync(join(tmpdir(), "sansio-h2-curl-"));
    writeFileSync(join(dir, "ca.pem"), ca);
    const listener = await runtime.listen(
      { hostname: "127.0.0.1", tls: { cert, key, alpnProtocols: ["h2"] } },
      http2Server(async (request, response) => {
        const body = await request.body.text();
        response.respond(
          200,
          { "content-type": "text/plain", "x-version": request.version },
          `${request.method} ${request.path} [${body}]`,
        );
      }),
    );
    const plain = await runtime.listen(
      { hostname: "127.0.0.1" },
      http2Server(async (request, response) => {
        const body = await request.body.text();
        response.respond(200, { "x-version": request.version }, `${request.method} ${request.path} [${body}]`);
      }),
    );
    port = listener.address.transport === "tcp" ? listener.address.port : 0;
    plainPort = plain.address.transport === "tcp" ? plain.address.port : 0;
    close = async () => {
      await listener.close({ timeout: 1000 });
      await plain.close({ timeout: 1000 });
    };
  });
  afterAll(async () => {
    await close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("curl --http2-prior-knowledge: GET and POST", async () => {
    const url = `http://127.0.0.1:${plainPort}`;
    expect(await curl(["--http2-prior-knowledge", `${url}/hello?x=1`])).toBe("GET /hello?x=1 []");
    expect(await curl(["--http2-prior-knowledge", "--data-binary", "payload", `${url}/post`])).toBe(
      "POST /post [payload]",
    );
    const head = await curl(["--http2-prior-knowledge", "--include", `${url}/h`]);
    expect(head).toMatch(/^HTTP\/2 200 ?\r\n/);
    expect(head).toMatch(/x-version: HTTP\/2/);
  });

  it("curl --http2 over TLS negotiates h2 by ALPN, several URLs in one run", async () => {
    const base = `https://localhost:${port}`;
    const out = await curl(["--http2", "--cacert", join(dir, "ca.pem"), "--include", `${base}/a`]);
    expect(out).toMatch(/^HTTP\/2 200 ?\r\n/);
    expect(out.endsWith("GET /a []")).toBe(true);
    const many = await curl(["--http2", "--cacert", join(dir, "ca.pem"), `${base}/1`, `${base}/2`, `${base}/3`]);
    expect(many).toBe("GET /1 []GET /2 []GET /3 []");
  });
});
