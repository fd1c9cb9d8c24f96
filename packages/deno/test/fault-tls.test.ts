// A TLS record failure mid-stream on Deno (the scenario: packages/node/test/fault-tls.ts).
import { corruptRecordMidStream } from "../../node/test/fault-tls.ts";
import { runtime } from "../src/index.ts";
import { testCertificates } from "./support.ts";

Deno.test("a corrupt TLS record mid-stream: a prefix of the stream, then one EPROTO", async () => {
  await corruptRecordMidStream(runtime, await testCertificates());
});
