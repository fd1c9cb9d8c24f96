// "@sansio/runtime" under the `deno` export condition.
import { runtime as adapter } from "@sansio/deno";
import type { Runtime } from "@sansio/runtime-api";

export type * from "./surface.js";

/** The runtime adapter for Deno (`Deno.listen` / `Deno.connect`): `@sansio/deno`'s `runtime`, picked by the `deno` export condition. */
export const runtime: Runtime = adapter;
