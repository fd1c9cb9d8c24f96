// Matrix entry for Deno: `deno run -A tests/matrix/entries/deno.ts [--serve | --peer-port N …]` (see ../entry.mjs).
import process from "node:process";
import { runtime } from "@sansio/deno";
import { matrixEntry } from "../entry.mjs";

// Deno cannot upgrade an accepted connection to a TLS server (Deno.startTls is client-side only).
await matrixEntry(runtime, `deno ${process.versions.deno}`, { serverStartTls: false });
