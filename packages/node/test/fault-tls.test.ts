// A TLS record failure mid-stream on Node: the bytes decrypted before it, then one ConnectionLostError
// with code EPROTO (docs/FAULTS.md).
import { runtime } from "@sansio/node";
import { it } from "vitest";
import { corruptRecordMidStream } from "./fault-tls.js";
import { testCertificates } from "./support.js";

it("a corrupt TLS record mid-stream: a prefix of the stream, then one EPROTO", async () => {
  await corruptRecordMidStream(runtime, await testCertificates());
}, 60_000);
