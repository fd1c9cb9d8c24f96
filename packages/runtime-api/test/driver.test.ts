import { describe, expect, it } from "vitest";
import { Driver } from "../src/driver/driver.js";
import { FakeTransport, flush } from "./fake-transport.js";
import { Scripted } from "./scripted.js";

function setup(options = {}) {
  const driver = new Driver(options);
  const transport = new FakeTransport();
  transport.sink = driver;
  driver.attach(transport);
  const connection = new Scripted();
  return { driver, transport, connection };
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe("Driver", () => {
  it("offers unconsumed bytes again after a yield, before waiting on the socket", async () => {
    const { driver, transport, connection } = setup();
    connection.consume = () => 1;
    let reads = 0;
    connection.read = function (buffer, offset, length) {
      this.offered.push([...buffer.subarray(offset, offset + length)]);
      reads++;
      this.readOp = "yield";
      return 1;
    };
    driver.start(connection);
    const startsBefore = transport.readStarts;
    driver.data(bytes(1, 2, 3));
    expect(connection.offered).toEqual([[1, 2, 3]]);
    connection.readOp = "read";
    connection.readResumes[0]?.();
    await flush();
    expect(connection.offered[1]).toEqual([2, 3]);
    expect(reads).toBe(2);
    expect(transport.readStarts).toBe(startsBefore);
  });

  it("runs resumes on a microtask, never on the caller's stack, and ignores repeated calls", async () => {
    const { driver, connection } = setup();
    connection.readOp = "yield";
    driver.start(connection);
    expect(connection.readResumes).toHaveLength(1);
    connection.readOp = "read";
    const resume = connection.readResumes[0] as () => void;
    let offeredDuringResume = -1;
    driver.data(bytes(9));
    resume();
    offeredDuringResume = connection.offered.length;
    resume();
    resume();
    expect(offeredDuringResume).toBe(0);
    await flush();
    expect(connection.offered).toEqual([[9]]);
  });

  it("loops on synchronous write completions without growing the stack (10,000 writes)", async () => {
    const { driver, transport, connection } = setup();
    transport.syncWrites = { error: null, written: (total) => total };
    connection.readOp = "yield";
    let depth = 0;
    let maxDepth = 0;
    let left = 10_000;
    connection.nextWriteOperation = () => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      depth--;
      return left-- > 0 ? { kind: "write", iovecs: [bytes(1)] } : { kind: "yield" };
    };
    const stackAt = (): number => new Error().stack?.split("\n").length ?? 0;
    const depths: number[] = [];
    connection.reportWriteResult = function (result) {
      this.results.push(result);
      if (this.results.length % 2500 === 0) depths.push(stackAt());
    };
    driver.start(connection);
    expect(connection.results).toHaveLength(10_000);
    expect(new Set(depths).size).toBe(1);
    expect(maxDepth).toBe(1);
  });

  // gluten#85, dream#230/#382/#411: the write loop spun at 100% CPU on a closed peer.
  it('regression gluten#85: after a failed write it reports "closed" once and never asks to write again', async () => {
    const { driver, transport, connection } = setup();
    connection.readOp = "yield";
    connection.afterWrites = { kind: "write", iovecs: [bytes(1, 2)] };
    driver.start(connection);
    transport.writes[0]?.done(new Error("EPIPE"), 0);
    await flush();
    expect(connection.results).toEqual(["closed"]);
    expect(connection.nextWriteCalls).toBe(1);
    expect(transport.writes).toHaveLength(1);
  });

  // gluten-lwt lost EOF: a failed read promise was dropped, read_eof never ran, the socket never closed.
  it("regression gluten-lwt lost EOF: EOF reaches readEof even while the reader was yielded", async () => {
    const { driver, connection } = setup();
    connection.readOp = "yield";
    connection.afterWrites = { kind: "close" };
    driver.start(connection);
    driver.data(bytes(7));
    driver.eof();
    connection.readOp = "read";
    connection.readResumes[0]?.();
    await flush();
    expect(connection.eofOffered).toEqual([[7]]);
    await driver.closed;
  });

  it("regression gluten-lwt lost EOF: a read error reaches reportError and the socket is released", async () => {
    const { driver, transport, connection } = setup();
    driver.start(connection);
    driver.error(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    await driver.closed;
    expect(transport.aborts).toBe(1);
    expect(connection.errors).toHaveLength(1);
    expect((connection.errors[0] as Error).name).toBe("ConnectionLostError");
    expect((connection.errors[0] as { code?: string }).code).toBe("ECONNRESET");
  });

  // gluten#81/#88: descriptors leaked when shutdown threw or a loop raised.
  it("regression gluten#81: closed settles and the socket is released when shutdown() and reportError() throw", async () => {
    const { driver, transport, connection } = setup();
    connection.readOp = "yield";
    connection.onShutdown = () => {
      throw new Error("shutdown failed");
    };
    connection.reportError = () => {
      throw new Error("reportError failed too");
    };
    driver.start(connection);
    driver.shutdown();
    await driver.closed;
    expect(transport.aborts).toBe(1);
  });

  it("regression gluten#88: a protocol that throws from read is reported and its socket released", async () => {
    const { driver, transport, connection } = setup();
    connection.consume = () => {
      throw new Error("parser bug");
    };
    driver.start(connection);
    driver.data(bytes(1));
    await driver.closed;
    expect(connection.errors.map((e) => (e as Error).message)).toEqual(["parser bug"]);
    expect(transport.aborts).toBe(1);
  });

  // Gluten's buffer never grew: headers larger than the buffer failed. Grow to a bound, then fail clearly.
  it("regression gluten fixed buffer: grows past the initial size, then fails with ReadBufferOverflowError", async () => {
    const { driver, connection } = setup({ readBufferSize: 4, maxReadBufferSize: 32 });
    connection.consume = () => 0;
    driver.start(connection);
    for (let i = 0; i < 7; i++) driver.data(bytes(1, 2, 3, 4));
    expect(connection.errors).toHaveLength(0);
    expect(connection.offered.at(-1)).toHaveLength(28);
    driver.data(bytes(1, 2, 3, 4));
    await driver.closed;
    expect(connection.errors.map((e) => (e as Error).name)).toEqual(["ReadBufferOverflowError"]);
  });

  it("pauses a push transport while the reader is yielded and resumes it when asked to read", async () => {
    const { driver, transport, connection } = setup();
    connection.readOp = "yield";
    driver.start(connection);
    expect(transport.reading).toBe(false);
    connection.readOp = "read";
    connection.readResumes[0]?.();
    await flush();
    expect(transport.reading).toBe(true);
  });

  it("half-closes on write close and releases gracefully once both sides are done", async () => {
    const { driver, transport, connection } = setup();
    connection.afterWrites = { kind: "close" };
    driver.start(connection);
    expect(transport.shutdownWrites).toBe(1);
    driver.eof();
    await driver.closed;
    expect(transport.closes).toBe(1);
    expect(transport.aborts).toBe(0);
  });

  it("closes an idle connection with TimeoutError (idleTimeout)", async () => {
    const { driver, connection } = setup({ idleTimeout: 20 });
    connection.readOp = "read";
    driver.start(connection);
    await driver.closed;
    expect(connection.errors.map((e) => (e as Error).name)).toEqual(["TimeoutError"]);
  });

  it("session close (abort) reports ConnectionClosedError once and settles closed", async () => {
    const { driver, connection } = setup();
    driver.start(connection);
    driver.abort();
    driver.abort();
    await driver.closed;
    expect(connection.errors.map((e) => (e as Error).name)).toEqual(["ConnectionClosedError"]);
  });

  it("rejects options that make no sense", () => {
    expect(() => new Driver({ idleTimeout: -1 })).toThrow(RangeError);
    expect(() => new Driver({ readBufferSize: 0 })).toThrow(RangeError);
  });
});
