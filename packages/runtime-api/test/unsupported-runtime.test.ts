// unsupportedRuntime: the runtime an entry offers where it cannot work. Every call rejects (never
// throws synchronously) with UnsupportedError and the reason given for that call, and touches nothing
// it was handed: no accept, no connection factory, no connection callback.
import { describe, expect, it } from "vitest";
import { unsupportedRuntime } from "../src/adapter.js";
import { EchoConnection } from "../src/conformance/index.js";
import type { Connection } from "../src/connection.js";
import { SansioError, UnsupportedError } from "../src/errors.js";
import type { Runtime } from "../src/runtime.js";

const address = { hostname: "127.0.0.1", port: 1 };

/** What a call did: whether it threw synchronously, and what its promise rejected with. */
async function outcome(call: () => Promise<unknown>): Promise<{ threw: boolean; rejected: unknown }> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return { threw: true, rejected: error };
  }
  return promise.then(
    () => ({ threw: false, rejected: undefined }),
    (error: unknown) => ({ threw: false, rejected: error }),
  );
}

/** A connection factory / accept that records being called. */
function recorder(): { calls: number; make: () => Connection } {
  const record = {
    calls: 0,
    make: () => {
      record.calls++;
      return new EchoConnection();
    },
  };
  return record;
}

/** An EchoConnection that records the name of every method called on it. */
function watched(): { connection: Connection; called: string[] } {
  const called: string[] = [];
  const connection = new Proxy(new EchoConnection(), {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        called.push(String(key));
        return Reflect.apply(value, target, args);
      };
    },
  });
  return { connection, called };
}

const cases: ReadonlyArray<{
  readonly name: string;
  readonly runtime: Runtime;
  readonly listen: string;
  readonly connect: string;
}> = [
  {
    name: "one reason for both calls",
    runtime: unsupportedRuntime("none", "no adapter here"),
    listen: "no adapter here",
    connect: "no adapter here",
  },
  {
    name: "a reason per call",
    runtime: unsupportedRuntime("workers", { listen: "no inbound TCP", connect: "no cloudflare:sockets" }),
    listen: "no inbound TCP",
    connect: "no cloudflare:sockets",
  },
];

describe("unsupportedRuntime", () => {
  for (const { name, runtime, listen, connect } of cases) {
    describe(name, () => {
      it("listen rejects with UnsupportedError(listen reason) and never calls accept", async () => {
        const accept = recorder();
        const { threw, rejected } = await outcome(() => runtime.listen(address, accept.make));
        expect(threw).toBe(false);
        expect(rejected).toBeInstanceOf(UnsupportedError);
        expect(rejected).toBeInstanceOf(SansioError);
        expect((rejected as UnsupportedError).message).toBe(listen);
        expect(accept.calls).toBe(0);
      });

      it("connect rejects with UnsupportedError(connect reason) and never calls the factory", async () => {
        const factory = recorder();
        const { threw, rejected } = await outcome(() => runtime.connect(address, factory.make));
        expect(threw).toBe(false);
        expect(rejected).toBeInstanceOf(UnsupportedError);
        expect((rejected as UnsupportedError).message).toBe(connect);
        expect(factory.calls).toBe(0);
      });

      it("connect with a Connection rejects the same way and never calls the connection", async () => {
        const { connection, called } = watched();
        const { threw, rejected } = await outcome(() => runtime.connect(address, connection));
        expect(threw).toBe(false);
        expect(rejected).toBeInstanceOf(UnsupportedError);
        expect((rejected as UnsupportedError).message).toBe(connect);
        expect(called).toEqual([]);
      });
    });
  }

  it("keeps the name it is given", () => {
    expect(unsupportedRuntime("workers", "x").name).toBe("workers");
    expect(unsupportedRuntime("none", "x").name).toBe("none");
  });

  it("every call rejects again: nothing is remembered between calls", async () => {
    const runtime = unsupportedRuntime("none", "no adapter here");
    for (let i = 0; i < 3; i++) {
      await expect(runtime.connect(address, new EchoConnection())).rejects.toThrow("no adapter here");
      await expect(runtime.listen(address, () => new EchoConnection())).rejects.toThrow("no adapter here");
    }
  });
});
