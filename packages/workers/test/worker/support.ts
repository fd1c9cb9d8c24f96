import { type CaseResult, check, within } from "@sansio/runtime-api/conformance";

export { check, eventually, sleep, within } from "@sansio/runtime-api/conformance";

/** One of the Worker's own cases. Throw to fail; throw {@link NotApplicableHere} when it cannot run. */
export interface WorkerCase {
  readonly name: string;
  run(limit: number): Promise<void>;
}

/** Thrown by a case that does not apply to this run; reported as "n.a." with the message. */
export class NotApplicableHere extends Error {
  override readonly name = "NotApplicableHere";
}

/** Runs the cases one after another; each gets `limit` ms. */
export async function runCases(
  cases: readonly WorkerCase[],
  limit: number,
  only?: readonly string[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const test of cases) {
    if (only && !only.some((part) => test.name.includes(part))) continue;
    const started = Date.now();
    let status: CaseResult["status"] = "pass";
    let error: string | undefined;
    try {
      await within(test.run(limit), limit, "the case");
    } catch (thrown) {
      status = thrown instanceof NotApplicableHere ? "n.a." : "fail";
      error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    }
    const result: CaseResult = { name: test.name, status, ok: status !== "fail", ms: Date.now() - started };
    results.push(error === undefined ? result : { ...result, error });
  }
  return results;
}

/** The error's name, or its type. */
export function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Awaits a promise expected to reject and returns the rejection (fails if it resolves). */
export async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  let resolved = false;
  const error = await promise.then(
    () => {
      resolved = true;
      return undefined;
    },
    (e: unknown) => e,
  );
  check(!resolved, `${what} resolved; it should have rejected`);
  return error;
}

/** Hex SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Throws unless two byte arrays are equal, naming the first difference. */
export function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: got ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A command line for the fixture peer. */
export function line(text: string): Uint8Array {
  return encoder.encode(`${text}\n`);
}

/** Bytes received, as text. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Splits `bytes` into `size`-byte write operations of one iovec each. */
export function writesOf(bytes: Uint8Array, size: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let at = 0; at < bytes.length; at += size) out.push([bytes.subarray(at, Math.min(bytes.length, at + size))]);
  return out;
}
