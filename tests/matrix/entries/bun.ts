// Matrix entry for Bun: `bun run tests/matrix/entries/bun.ts [--serve | --peer-port N …]` (see ../entry.mjs).
import process from "node:process";
import { runtime } from "@sansio/bun";
import { matrixEntry } from "../entry.mjs";

// Bun cannot upgrade an accepted socket to a TLS server (upgradeTLS always runs a client handshake).
await matrixEntry(runtime, `bun ${process.versions.bun}`, { serverStartTls: false });
