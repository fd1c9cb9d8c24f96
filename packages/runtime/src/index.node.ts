// "@sansio/runtime" under the `node` export condition.
import { runtime as adapter } from "@sansio/node";
import type { Runtime } from "@sansio/runtime-api";

export type * from "./surface.js";

/** The runtime adapter for Node (`net` / `tls`): `@sansio/node`'s `runtime`, picked by the `node` export condition. */
export const runtime: Runtime = adapter;
