import { describe, expect, it } from "vitest";
import {
  ByteCollector,
  Deferred,
  DelimiterScanner,
  OutputQueue,
  PendingQueue,
  PendingResume,
} from "../../src/blocks/index.js";
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../../src/connection.js";
import { ConnectionClosedError, SansioError } from "../../src/errors.js";
import { createMemoryRuntime, type MemoryRuntimeOptions } from "../../src/testing/index.js";
import { unhandledRejectionsOf } from "./unhandled.js";

// A small pipelined request/response protocol built only from the blocks, driven by the real driver
// core over the in-memory runtime at every kind of chunking:
//   client: "PING\r\n"          server: "+PONG\r\n"
//   client: "ECHO <n>\r\n<n bytes>"   server: "$<n>\r\n<n bytes>"
//   a line or value over the limits: server answers "-<ErrorName>\r\n" and closes.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ascii = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Parses lines and length-prefixed values out of `read` calls; what each line means is the caller's. */
class Framing {
  readonly #lines: DelimiterScanner;
  readonly #value: ByteCollector;

  constructor(maxLine: number, maxValue: number) {
    this.#lines = new DelimiterScanner({ maxLength: maxLine });
    this.#value = new ByteCollector({ maxLength: maxValue });
  }

  /** Starts collecting a value of `length` bytes after the current line. */
  expectValue(length: number): void {
    this.#value.start(length);
  }

  /** Feeds `onLine` / `onValue` with every complete frame; returns the bytes consumed. */
  feed(
    buffer: Uint8Array,
    offset: number,
    length: number,
    onLine: (line: string) => boolean,
    onValue: (value: Uint8Array) => void,
  ): number {
    let used = 0;
    for (;;) {
      if (this.#value.state === "collecting") used += this.#value.offer(buffer, offset + used, length - used);
      if (this.#value.state === "complete") {
        onValue(this.#value.take());
        continue;
      }
      if (this.#value.state === "collecting") return used;
      const end = this.#lines.scan(buffer, offset + used, length - used);
      if (end < 0) return used;
      const line = ascii(buffer.subarray(offset + used, offset + used + end - 2));
      used += end;
      if (!onLine(line)) return used;
    }
  }
}

class Server implements Connection {
  readonly errors: unknown[] = [];
  readonly #framing = new Framing(64, 1024 * 1024);
  readonly #reader = new PendingResume();
  readonly #out = new OutputQueue({ highWaterMark: 16 * 1024, onDrain: () => this.#reader.wake() });

  nextReadOperation(): ReadOperation {
    if (this.#out.state !== "open") return "close";
    return this.#out.full ? "yield" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    try {
      return this.#framing.feed(buffer, offset, length, this.#onLine, this.#onValue);
    } catch (error) {
      if (!(error instanceof SansioError)) throw error;
      this.#out.write(encoder.encode(`-${error.name}\r\n`)); // a limit was hit: say which, then close
      this.#out.end();
      return length;
    }
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const used = this.read(buffer, offset, length);
    this.#out.end();
    return used;
  }
  yieldReader(resume: () => void): void {
    this.#reader.register(resume);
  }
  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.#out.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#out.discard(error);
    this.#reader.wake();
  }
  isClosed(): boolean {
    return this.#out.finished;
  }
  shutdown(): void {
    this.#out.end();
    this.#reader.wake();
  }

  readonly #onLine = (line: string): boolean => {
    if (line === "PING") this.#out.write(encoder.encode("+PONG\r\n"));
    else if (line.startsWith("ECHO ")) {
      const length = Number(line.slice(5));
      this.#framing.expectValue(length); // throws ValueTooLargeError past the limit
    } else this.#out.write(encoder.encode("-unknown command\r\n"));
    return true;
  };

  readonly #onValue = (value: Uint8Array): void => {
    this.#out.write(encoder.encode(`$${value.length}\r\n`));
    this.#out.write(value);
  };
}

type Reply = string | Uint8Array;

class Client implements Connection {
  readonly errors: unknown[] = [];
  readonly #framing = new Framing(64, 1024 * 1024);
  readonly #waiting = new PendingQueue<Deferred<Reply>>();
  readonly #out = new OutputQueue({ highWaterMark: Number.MAX_SAFE_INTEGER });
  #eof = false;

  /** Sends a request (pipelined behind the others); resolves with its reply. */
  send(line: string, value?: Uint8Array): Promise<Reply> {
    const reply = new Deferred<Reply>();
    this.#waiting.push(reply);
    this.#out.write(encoder.encode(`${line}\r\n`));
    if (value) this.#out.write(value);
    return reply.promise;
  }
  /** Half-closes once everything was sent. */
  end(): void {
    this.#out.end();
  }

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.#framing.feed(buffer, offset, length, this.#onLine, this.#onValue);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const used = this.read(buffer, offset, length);
    this.#eof = true;
    this.#out.end(); // nothing more will be answered: finish sending what is queued, then close
    this.#waiting.failAll(new ConnectionClosedError("the server closed the connection before replying"));
    return used;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.#out.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#out.discard(error);
    this.#waiting.failAll(error);
  }
  isClosed(): boolean {
    return this.#eof && this.#out.finished;
  }
  shutdown(): void {
    this.#out.end();
  }

  readonly #onLine = (line: string): boolean => {
    if (line.startsWith("$")) this.#framing.expectValue(Number(line.slice(1)));
    else this.#waiting.shift()?.resolve(line);
    return true;
  };

  readonly #onValue = (value: Uint8Array): void => {
    this.#waiting.shift()?.resolve(value);
  };
}

const plans: [string, MemoryRuntimeOptions][] = [
  ["one byte per read", { readSize: 1 }],
  ["random read and write sizes", { readSize: "random", writeSize: "random", seed: 7 }],
  ["pull, random sizes, delays", { readSize: "random", writeSize: "random", pull: true, delays: true, seed: 8 }],
];

async function open(plan: MemoryRuntimeOptions) {
  const runtime = createMemoryRuntime(plan);
  const servers: Server[] = [];
  const buffers = { readBufferSize: 1024, maxReadBufferSize: 4096 };
  const listener = await runtime.listen(buffers, () => {
    const server = new Server();
    servers.push(server);
    return server;
  });
  const client = new Client();
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  const session = await runtime.connect({ port, ...buffers }, client);
  return { client, servers, session, listener };
}

const patterned = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 255);

describe("a pipelined protocol made of the blocks, over the driver", () => {
  describe.each(plans)("%s", (_label, plan) => {
    it("answers every pipelined request in order, values larger than the read buffer included", async () => {
      const { client, servers, session, listener } = await open(plan);
      const sizes = [0, 1, 5, 1023, 1024, 3000, 100_000, 7];
      const replies: Promise<Reply>[] = [];
      const expected: Reply[] = [];
      for (const [i, size] of sizes.entries()) {
        replies.push(client.send("PING"));
        expected.push("+PONG");
        const value = patterned(size, i);
        replies.push(client.send(`ECHO ${size}`, value));
        expected.push(value);
      }
      client.end();
      expect(await Promise.all(replies)).toEqual(expected);
      await session.closed;
      expect(client.errors).toEqual([]);
      expect(servers[0]?.errors).toEqual([]);
      await listener.close();
    });

    it("a line over the limit is answered with LineTooLongError and a close; later requests fail cleanly", async () => {
      const unhandled = await unhandledRejectionsOf(async () => {
        const { client, session, listener } = await open(plan);
        const before = client.send("PING");
        const tooLong = client.send("X".repeat(65));
        const after = [client.send("PING"), client.send("ECHO 3", patterned(3, 0))];
        client.end();
        expect(await before).toBe("+PONG");
        expect(await tooLong).toBe("-LineTooLongError");
        for (const reply of after) await expect(reply).rejects.toBeInstanceOf(ConnectionClosedError);
        await session.closed;
        await listener.close();
      });
      expect(unhandled).toEqual([]);
    });

    it("an announced value over the limit is answered with ValueTooLargeError, before any of it is sent", async () => {
      const { client, session, listener } = await open(plan);
      const reply = client.send(`ECHO ${1024 * 1024 + 1}`);
      const after = client.send("PING");
      expect(await reply).toBe("-ValueTooLargeError");
      await session.closed;
      await expect(after).rejects.toBeInstanceOf(ConnectionClosedError);
      await listener.close();
    });
  });
});
