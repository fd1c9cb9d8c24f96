// "@sansio/runtime/deno": the deno adapter chosen explicitly, with its whole API (`runtime`, `drive`, ...).
export * from "@sansio/deno";
