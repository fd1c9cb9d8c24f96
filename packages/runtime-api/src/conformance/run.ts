import type { Runtime } from "../runtime.js";
import { type ConformanceCase, conformanceCases } from "./cases.js";
import { CaseContext, NotApplicable, within } from "./harness.js";
import { stressCases } from "./robustness-cases.js";
import type { CaseResult, ConformanceOptions } from "./types.js";

const now = (): number => (globalThis.performance ? performance.now() : Date.now());

async function cleanup(t: CaseContext): Promise<string | undefined> {
  let problem: string | undefined;
  const settled = Promise.all(t.sessions.map((session) => session.closed));
  try {
    await within(settled, 5000, "every session.closed to settle");
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
    for (const session of t.sessions) session.close();
  }
  await Promise.all(t.listeners.map((listener) => listener.close({ timeout: 100 }).catch(() => {})));
  return problem;
}

async function runCase(runtime: Runtime, test: ConformanceCase, options: ConformanceOptions): Promise<CaseResult> {
  const stress = stressCases.includes(test);
  const limit = stress ? (options.stressTimeout ?? 180_000) : (options.caseTimeout ?? 20_000);
  const t = new CaseContext(runtime, options);
  const started = now();
  let status: CaseResult["status"] = "pass";
  let error: string | undefined;
  try {
    if (stress && !options.stress) throw new NotApplicable("the stress tier is off (ConformanceOptions.stress)");
    await within(test.run(t, limit), limit, "the case");
  } catch (thrown) {
    if (thrown instanceof NotApplicable) status = "n.a.";
    else status = "fail";
    error = thrown instanceof Error ? thrown.message : String(thrown);
    for (const session of t.sessions) if (status === "fail") session.close();
  }
  const leak = await cleanup(t);
  if (leak && status !== "fail") {
    status = "fail";
    error = leak;
  }
  const result: CaseResult = {
    name: test.name,
    status,
    ok: status !== "fail",
    ms: Math.round(now() - started),
    ...(t.measurements.length > 0 ? { measured: t.measurements.join("; ") } : {}),
  };
  return error === undefined ? result : { ...result, error };
}

/**
 * Runs every conformance case against `runtime` and returns one result per case. Plain async code with
 * no test-runner import: it runs under vitest, `bun test`, `deno test` and inside workerd alike.
 */
export async function runConformance(runtime: Runtime, options: ConformanceOptions = {}): Promise<CaseResult[]> {
  const only = options.only;
  const selected = only ? conformanceCases.filter((c) => only.some((part) => c.name.includes(part))) : conformanceCases;
  const results: CaseResult[] = [];
  for (const test of selected) {
    const result = await runCase(runtime, test, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
