import { SendAndCollect } from "@sansio/runtime-api/conformance";
import { createMemoryRuntime, SeededRandom } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { createServerConnection, type Handler } from "../src/index.js";
import { bytes, decoder, encoder, ThrowRecorder } from "./helpers.js";

const SEEDS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
  "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=1\r\nabc\r\n0\r\nT: v\r\n\r\n",
  "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.0\r\n\r\n",
  "PUT /stream HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
  "GET /throw HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /upgrade HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: nothing\r\n\r\n",
];

/** Bytes that steer a parser toward its edge cases. */
const TOKENS = [
  "\r",
  "\n",
  "\r\n",
  " ",
  "\t",
  ":",
  ",",
  ";",
  "0",
  "9",
  "f",
  "\u0000",
  "\u00ff",
  "chunked",
  "Content-Length: ",
  "Transfer-Encoding: ",
  "\r\n\r\n",
  "HTTP/1.1",
  "-1",
];

function mutate(input: Uint8Array, rng: SeededRandom): Uint8Array {
  let out = Array.from(input);
  const edits = rng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, out.length);
    switch (rng.int(0, 5)) {
      case 0: // flip a byte
        if (out.length > 0) out[Math.min(at, out.length - 1)] = rng.int(0, 255);
        break;
      case 1: // delete a run
        out.splice(at, rng.int(1, 4));
        break;
      case 2: // insert a random byte
        out.splice(at, 0, rng.int(0, 255));
        break;
      case 3: {
        // insert a token
        const token = TOKENS[rng.int(0, TOKENS.length - 1)] as string;
        out.splice(at, 0, ...Array.from(token, (c) => c.charCodeAt(0) & 0xff));
        break;
      }
      case 4: {
        // duplicate a slice (repeated headers, repeated requests)
        const start = rng.int(0, out.length);
        const slice = out.slice(start, start + rng.int(1, 40));
        out.splice(at, 0, ...slice);
        break;
      }
      default: // truncate
        out = out.slice(0, at);
    }
  }
  return Uint8Array.from(out);
}

const handler: Handler = async (request, response) => {
  if (request.target === "/throw") throw new Error("deliberate");
  if (request.upgrade !== null) {
    response.upgrade({ Upgrade: request.upgrade }, () => new SendAndCollect(new Uint8Array(0)));
    return;
  }
  if (request.target === "/stream") {
    response.writeHead(200);
    for await (const chunk of request.body) await response.write(chunk);
    response.end();
    return;
  }
  const body = await request.body.text();
  response.respond(200, { "Content-Type": "text/plain" }, `${request.method} ${body.length}`);
};

/** Statuses seen, so the test shows it reached both the handler and the error paths. */
const seen = new Map<number, number>();

/** Checks that the server's output is a sequence of well-formed response heads (bodies are not checked). */
function checkStatusLines(text: string): void {
  for (const match of text.matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
    const status = Number(match[1]);
    expect(status >= 100 && status <= 599).toBe(true);
    seen.set(status, (seen.get(status) ?? 0) + 1);
  }
  if (text.length > 0) expect(text.startsWith("HTTP/1.1 ")).toBe(true);
}

describe("fuzz: mutated requests never make the connection throw", () => {
  it("survives 600 seeded mutations at random chunk boundaries", async () => {
    const rng = new SeededRandom(20261121);
    const seeds = SEEDS.map(bytes);
    for (let round = 0; round < 600; round++) {
      const input = mutate(seeds[round % seeds.length] as Uint8Array, rng);
      const runtime = createMemoryRuntime({
        readSize: round % 3 === 0 ? 1 : "random",
        writeSize: "random",
        pull: round % 2 === 0,
        seed: round + 1,
      });
      const recorders: ThrowRecorder[] = [];
      const listener = await runtime.listen({}, () => {
        const recorder = new ThrowRecorder(
          createServerConnection(handler, { onError: () => {}, maxHeaderBytes: 512, date: false }),
        );
        recorders.push(recorder);
        return recorder;
      });
      const port = listener.address.transport === "tcp" ? listener.address.port : 0;
      const client = new SendAndCollect(input);
      await runtime.connect({ port }, client);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), 3000);
      });
      const outcome = await Promise.race([client.done, timeout]);
      clearTimeout(timer);
      const context = `round ${round}: ${JSON.stringify(decoder.decode(input))}`;
      expect(outcome, context).not.toBe("timeout");
      checkStatusLines(decoder.decode(outcome as Uint8Array));
      await listener.close({ timeout: 1000 });
      for (const recorder of recorders) expect(recorder.thrown, context).toEqual([]);
    }
    // The mutations reached the handler (200), its failures (500) and the parser's rejections (400).
    expect(seen.get(200) ?? 0).toBeGreaterThan(50);
    expect(seen.get(400) ?? 0).toBeGreaterThan(50);
    expect(seen.get(500) ?? 0).toBeGreaterThan(5);
  });

  it("answers every byte value in every position of a request line without throwing", async () => {
    const runtime = createMemoryRuntime({ readSize: 7 });
    const recorders: ThrowRecorder[] = [];
    const listener = await runtime.listen({}, () => {
      const recorder = new ThrowRecorder(createServerConnection(handler, { onError: () => {}, date: false }));
      recorders.push(recorder);
      return recorder;
    });
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const base = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
    for (let position = 0; position < base.length; position += 3) {
      for (let value = 0; value < 256; value += 5) {
        const input = encoder.encode(base);
        input[position] = value;
        const client = new SendAndCollect(input);
        await runtime.connect({ port }, client);
        checkStatusLines(decoder.decode(await client.done));
      }
    }
    await listener.close({ timeout: 1000 });
    for (const recorder of recorders) expect(recorder.thrown).toEqual([]);
  });
});
