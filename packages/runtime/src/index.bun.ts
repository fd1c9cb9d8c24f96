// "@sansio/runtime" under the `bun` export condition.
import { runtime as adapter } from "@sansio/bun";
import type { Runtime } from "@sansio/runtime-api";

export type * from "./surface.js";

/** The runtime adapter for Bun (`Bun.listen` / `Bun.connect`): `@sansio/bun`'s `runtime`, picked by the `bun` export condition. */
export const runtime: Runtime = adapter;
