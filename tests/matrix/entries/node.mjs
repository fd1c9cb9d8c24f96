// Matrix entry for Node 22 and 24: `node tests/matrix/entries/node.mjs [--serve | --peer-port N …]` (see ../entry.mjs).
import { runtime } from "@sansio/node";
import { matrixEntry } from "../entry.mjs";

await matrixEntry(runtime, `node ${process.versions.node}`, { serverStartTls: true });
