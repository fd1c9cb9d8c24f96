// "@sansio/runtime/node": the node adapter chosen explicitly, with its whole API (`runtime`, `drive`, ...).
export * from "@sansio/node";
