import type { ConformanceCase } from "./case.js";

/** Listener limits (`maxConnections`, `reusePort`) as every runtime must keep them. */
export const listenCases: readonly ConformanceCase[] = [];
