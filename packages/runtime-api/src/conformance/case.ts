import type { CaseContext } from "./harness.js";

/** One conformance case: plain async code that throws on failure (or `NotApplicable`). */
export interface ConformanceCase {
  readonly name: string;
  run(t: CaseContext, limit: number): Promise<void>;
}
