/** Thrown by a case that does not apply to this run; reported as "n.a." with the message. */
export class NotApplicableHere extends Error {
  name = "NotApplicableHere";
}
/** Runs the cases one after another; each gets `limit` ms. */
export async function runCases(cases, limit, only) {
  const results = [];
  for (const test of cases) {
    if (only && !only.some((part) => test.name.includes(part))) continue;
    const started = Date.now();
    let status = "pass";
    let error;
    try {
      await within(test.run(limit), limit, "the case");
    } catch (thrown) {
      status = thrown instanceof NotApplicableHere ? "n.a." : "fail";
      error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    }
    const result = { name: test.name, status, ok: status !== "fail", ms: Date.now() - started };
    results.push(error === undefined ? result : { ...result, error });
  }
  return results;
}
/** Rejects when `promise` does not settle within `ms`. */
export function within(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
/** Throws unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}
/** Waits `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
/** Polls `condition` every 5 ms until it holds; fails after `ms`. */
export async function eventually(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: did not happen within ${ms} ms`);
    await sleep(5);
  }
}
/** The error's name, or its type. */
export function nameOf(error) {
  return error instanceof Error ? error.name : typeof error;
}
/** Awaits a promise expected to reject and returns the rejection (fails if it resolves). */
export async function rejection(promise, what) {
  let resolved = false;
  const error = await promise.then(
    () => {
      resolved = true;
      return undefined;
    },
    (e) => e,
  );
  check(!resolved, `${what} resolved; it should have rejected`);
  return error;
}
/** Hex SHA-256 of `bytes`. */
export async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
/** Throws unless two byte arrays are equal, naming the first difference. */
export function checkBytes(actual, expected, what) {
  if (actual.length !== expected.length)
    throw new Error(`${what}: got ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
const encoder = new TextEncoder();
/** A command line for the fixture peer. */
export function line(text) {
  return encoder.encode(`${text}\n`);
}
/** Splits `bytes` into `size`-byte write operations of one iovec each. */
export function writesOf(bytes, size) {
  const out = [];
  for (let at = 0; at < bytes.length; at += size) out.push([bytes.subarray(at, Math.min(bytes.length, at + size))]);
  return out;
}
