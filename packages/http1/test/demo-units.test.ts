// The `npm start` demo's pure parts (examples/server): its command line, its access-log line and the
// HTTP/2 response observer, and the certificate it makes for --tls.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessLogLine } from "../../../examples/server/access-log.ts";
import type { DemoRequest } from "../../../examples/server/app.ts";
import { parseServeArgs } from "../../../examples/server/args.ts";
import { fingerprintSha256, makeDemoCertificate } from "../../../examples/server/tls.ts";

describe("parseServeArgs", () => {
  it.each([
    [[], { host: "127.0.0.1", port: 8080, quiet: false, tls: { kind: "plain" }, timeouts: {} }],
    [
      ["--host=::1", "--port", "0", "--quiet"],
      { host: "::1", port: 0, quiet: true, tls: { kind: "plain" }, timeouts: {} },
    ],
    [["--tls"], { tls: { kind: "generated", caOut: undefined } }],
    [["--tls", "--ca-out", "/tmp/x.pem"], { tls: { kind: "generated", caOut: "/tmp/x.pem" } }],
    [["--ca-out=ca.pem", "--tls"], { tls: { kind: "generated", caOut: "ca.pem" } }],
    [
      ["--headers-timeout", "1500", "--keep-alive-timeout=0"],
      { timeouts: { headersTimeout: 1500, keepAliveTimeout: 0 } },
    ],
  ] as const)("%j", (args, expected) => {
    expect(parseServeArgs(args)).toMatchObject(expected);
  });

  it.each([
    [["--ca-out", "ca.pem"], "--ca-out needs --tls"],
    [["--tls=yes"], "unknown argument --tls=yes"],
    [["--ca-out"], "--ca-out needs a value"],
    [["--port", "65536"], "--port must be 0-65535"],
    [["--request-timeout", "-1"], "--request-timeout must be a number"],
    [["--http3"], "unknown argument --http3"],
  ])("refuses %j", (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(message);
  });
});

const REMOTE = { transport: "tcp", hostname: "127.0.0.1", port: 50000 } as const;
const NOW = new Date("2026-12-01T14:46:18.187Z");

function request(version: string, target = "/"): DemoRequest {
  return {
    version,
    method: "GET",
    target,
    body: undefined as never, // the observer never reads it
    session: { remote: REMOTE } as DemoRequest["session"],
    header: () => undefined,
  };
}

describe("accessLogLine", () => {
  it("shows the time, the client, the request line with its version, and the status", () => {
    expect(accessLogLine(200, request("HTTP/2", "/a?b=1"), NOW)).toBe(
      '2026-12-01T14:46:18.187Z 127.0.0.1 "GET /a?b=1 HTTP/2" 200',
    );
    expect(accessLogLine(408, undefined, NOW)).toBe('2026-12-01T14:46:18.187Z - "-" 408');
  });
});

describe("the --tls certificate", () => {
  it("is signed by the saved CA for localhost, 127.0.0.1 and ::1; the fingerprint is openssl's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sansio-demo-cert-"));
    try {
      const caOut = join(dir, "ca.pem");
      const certificate = await makeDemoCertificate(caOut);
      expect(readFileSync(caOut, "utf8")).toBe(certificate.ca);
      const leaf = new X509Certificate(certificate.cert);
      const ca = new X509Certificate(certificate.ca);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.checkHost("localhost")).toBe("localhost");
      expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
      expect(leaf.checkIP("::1")).toBe("::1");
      expect(certificate.fingerprint).toBe(leaf.fingerprint256);
      expect(await fingerprintSha256(certificate.ca)).toBe(ca.fingerprint256);
      expect(certificate.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is made without --ca-out too", async () => {
    const certificate = await makeDemoCertificate(undefined);
    expect(certificate.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("fingerprintSha256 refuses text without a certificate", async () => {
    await expect(fingerprintSha256("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")).rejects.toThrow(
      "no certificate",
    );
  });
});
