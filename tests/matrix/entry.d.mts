import type { Runtime } from "@sansio/runtime-api";

/** Runs the matrix entry for `runtime` as the command line asks (see entry.mjs). */
export function matrixEntry(runtime: Runtime, label: string, options: { serverStartTls: boolean }): Promise<void>;
