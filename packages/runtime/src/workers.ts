// "@sansio/runtime/workers": the workers adapter chosen explicitly, with its whole API (`runtime`, `drive`, ...).
export * from "@sansio/workers";
