// A TLS record failure mid-stream on Bun (the scenario: packages/node/test/fault-tls.ts).
import { test } from "bun:test";
import { corruptRecordMidStream } from "../../node/test/fault-tls.js";
import { runtime } from "../src/index.js";
import { testCertificates } from "./support.js";

test("a corrupt TLS record mid-stream: a prefix of the stream, then one EPROTO", async () => {
  await corruptRecordMidStream(runtime, await testCertificates());
}, 60_000);
