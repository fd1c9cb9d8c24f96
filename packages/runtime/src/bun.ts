// "@sansio/runtime/bun": the bun adapter chosen explicitly, with its whole API (`runtime`, `drive`, ...).
export * from "@sansio/bun";
