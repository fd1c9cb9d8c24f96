// @sansio/workers, for real: the test Worker (test/worker/main.ts) runs inside workerd and connects
// over loopback to peers this Node process starts: a @sansio/node conformance server (the client side of
// the conformance suite runs in the Worker) and a raw node:net/tls fixture peer (the Worker's own cases).
import { type CaseResult, conformanceCases } from "@sansio/runtime-api/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestCertificates } from "../../../tests/support/certs.mjs";
import { startFixturePeer } from "./fixture-peer.mjs";
import { conformanceRequest, startConformancePeer, startTestWorker } from "./workerd-harness.mjs";

type TestWorker = Awaited<ReturnType<typeof startTestWorker>>;
type Peer = Awaited<ReturnType<typeof startConformancePeer>>;
type Fixture = Awaited<ReturnType<typeof startFixturePeer>>;

const RUN_LIMIT_MS = 240_000;

/**
 * Why a conformance case may be n.a. here: Workers cannot listen, the server is in another process,
 * workerd reports no timers (there is no process to keep alive: a Worker's timers end with its request),
 * and the stress tier is opt-in (10,000 connections from one Worker request is not what this run checks).
 */
const ALLOWED_NOT_APPLICABLE = [
  /the runtime under test does not listen/,
  /does not report its ref'd timers/,
  /the peer is remote/,
  /watching the server needs it in this process/,
  /no directory for unix sockets/,
  /the stress tier is off/,
];

let worker: TestWorker | undefined;
let peer: Peer | undefined;
let fixture: Fixture | undefined;
let certificates: Awaited<ReturnType<typeof generateTestCertificates>>;
let conformanceRun: Promise<Map<string, CaseResult>> | undefined;

beforeAll(async () => {
  certificates = await generateTestCertificates();
  const tls = { server: { cert: certificates.cert, key: certificates.key }, client: { ca: certificates.ca } };
  fixture = await startFixturePeer(certificates);
  peer = await startConformancePeer(tls);
  worker = await startTestWorker({ ca: certificates.ca });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([peer?.close(), fixture?.close()]);
});

/** Runs the whole conformance suite once inside the Worker (one request); every case's test reads it. */
function conformanceResults(): Promise<Map<string, CaseResult>> {
  if (!conformanceRun) {
    const running = async (): Promise<Map<string, CaseResult>> => {
      if (!worker || !peer) throw new Error("setup failed");
      const tls = { server: { cert: certificates.cert, key: certificates.key }, client: { ca: certificates.ca } };
      const results: CaseResult[] = await worker.post("/conformance", conformanceRequest(peer, tls), RUN_LIMIT_MS);
      return new Map(results.map((result) => [result.name, result]));
    };
    conformanceRun = running();
  }
  return conformanceRun;
}

describe("conformance suite, client side inside workerd, against a @sansio/node server", () => {
  it.each(conformanceCases.map((c) => c.name))(
    "%s",
    async (name) => {
      const result = (await conformanceResults()).get(name);
      expect(result, `the Worker returned no result for "${name}"`).toBeDefined();
      if (result?.status === "n.a.") {
        expect(result.error, "an n.a. case must say why").toBeTruthy();
        const allowed = ALLOWED_NOT_APPLICABLE.some((reason) => reason.test(result.error ?? ""));
        expect(allowed, `unexpected n.a.: ${result.error}`).toBe(true);
      } else {
        expect(result?.status, result?.error).toBe("pass");
      }
    },
    RUN_LIMIT_MS,
  );

  it(
    "runs every case and passes the ones that can run against a remote server",
    async () => {
      const results = await conformanceResults();
      expect(results.size).toBe(conformanceCases.length);
      const passed = [...results.values()].filter((r) => r.status === "pass").map((r) => r.name);
      // The core of the contract must really have run here, not have been skipped.
      for (const part of ["echo:", "half-close:", "backpressure", "reset:", "refused", "tls: echo", "STARTTLS"]) {
        expect(
          passed.some((name) => name.includes(part)),
          `no passing case for "${part}"`,
        ).toBe(true);
      }
    },
    RUN_LIMIT_MS,
  );
});

describe("the Worker's own cases against a raw node:net/tls peer", () => {
  it(
    "every case passes",
    async () => {
      if (!worker || !fixture) throw new Error("setup failed");
      const results: CaseResult[] = await worker.post(
        "/cases",
        { ports: fixture.ports, ca: certificates.ca, caseTimeout: 30_000 },
        RUN_LIMIT_MS,
      );
      expect(results.length).toBeGreaterThanOrEqual(20);
      const failed = results.filter((r) => r.status !== "pass").map((r) => `${r.status} ${r.name}: ${r.error}`);
      expect(failed, failed.join("\n")).toEqual([]);
    },
    RUN_LIMIT_MS,
  );
});
