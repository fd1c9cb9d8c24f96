import type { ConformanceCase } from "./case.js";

/** The fault table: for each fault, the exact write results and errors every runtime must give (issue 14). */
export const faultCases: readonly ConformanceCase[] = [];
