// The sansio runtime adapter of the process this runs in (`@sansio/bun` on Bun, `@sansio/deno` on
// Deno, `@sansio/node` otherwise), for bench scripts that are the same file on every runtime.

/** Which runtime this process is: "bun", "deno" or "node". */
export const runtimeId = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";

/** The adapter's `runtime` (listen / connect) for this process. */
export async function loadAdapter() {
  const module =
    runtimeId === "bun"
      ? await import("@sansio/bun")
      : runtimeId === "deno"
        ? await import("@sansio/deno")
        : await import("@sansio/node");
  return module.runtime;
}
