// "@sansio/runtime" under the `workerd` or `worker` export condition.

import type { Runtime } from "@sansio/runtime-api";
import { runtime as adapter } from "@sansio/workers";

export type * from "./surface.js";

/** The runtime adapter for Cloudflare Workers (`connect()` from `cloudflare:sockets`; client only): `@sansio/workers`'s `runtime`, picked by the `workerd` or `worker` export condition. */
export const runtime: Runtime = adapter;
