// "@sansio/runtime" when no export condition it knows matched (not node, deno, bun, workerd or worker):
// a runtime whose every call rejects with a clear UnsupportedError, rather than a Node build that would
// fail on its first node:net import in a browser bundle.
import type { Runtime } from "@sansio/runtime-api";
import { unsupportedRuntime } from "@sansio/runtime-api/adapter";

export type * from "./surface.js";

const NO_ADAPTER =
  "@sansio/runtime picks its adapter by the export conditions node, deno, bun and workerd/worker, and none " +
  "of them matched here: import an adapter explicitly (@sansio/runtime/node, /deno, /bun or /workers), or " +
  "bundle with the conditions of the runtime you target";

/** No adapter: `listen` and `connect` reject with `UnsupportedError` saying how to pick one. */
export const runtime: Runtime = unsupportedRuntime("none", NO_ADAPTER);
