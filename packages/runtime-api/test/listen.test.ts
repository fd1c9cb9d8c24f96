import { describe, expect, it } from "vitest";
import { checkListen, checkMaxConnections } from "../src/address.js";
import { runConformance } from "../src/conformance/index.js";
import { DEFAULT_MAX_CONNECTIONS } from "../src/defaults.js";
import { Driver } from "../src/driver/driver.js";
import { UnsupportedError } from "../src/errors.js";
import { ListenerCore } from "../src/listener.js";
import type { Address, Runtime } from "../src/runtime.js";
import { DriverSession } from "../src/session.js";
import { acceptConnection } from "../src/start.js";
import { createMemoryRuntime } from "../src/testing/index.js";
import { FakeTransport, flush } from "./fake-transport.js";
import { Scripted } from "./scripted.js";

const address: Address = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
const noop = (): void => {};

/** A driver over a hand-driven transport, with its session, as an adapter would wire an accepted socket. */
function accepted(): { driver: Driver; transport: FakeTransport; session: DriverSession } {
  const driver = new Driver();
  const transport = new FakeTransport();
  transport.sink = driver;
  driver.attach(transport);
  const session = new DriverSession(driver, { remote: address, local: address, alpnProtocol: null });
  return { driver, transport, session };
}

describe("ListenerCore admission", () => {
  it("admits up to maxConnections, counts the rest as rejected, and admits again once a place is free", () => {
    const core = new ListenerCore(address, noop, { maxConnections: 2 });
    expect([core.admit(), core.admit(), core.admit(), core.admit()]).toEqual([
      "admitted",
      "admitted",
      "over-limit",
      "over-limit",
    ]);
    expect(core.counters).toEqual({ accepted: 2, rejected: 2 });
    core.release(); // a failed TLS handshake gives its place back
    expect(core.admit()).toBe("admitted");
    expect(core.counters).toEqual({ accepted: 3, rejected: 2 });
  });

  it("a tracked session keeps its place until it is released", async () => {
    const core = new ListenerCore(address, noop, { maxConnections: 1 });
    const first = accepted();
    acceptConnection(core, first.driver, first.session, () => new Scripted());
    expect(core.connections).toBe(1);
    const second = accepted();
    acceptConnection(core, second.driver, second.session, () => new Scripted());
    await flush();
    expect(second.transport.aborts).toBe(1);
    expect(core.counters).toEqual({ accepted: 1, rejected: 1 });
    first.driver.abort();
    await flush();
    expect(core.connections).toBe(0);
    expect(core.admit()).toBe("admitted");
  });

  it("a closing listener turns sockets away without counting them as rejected", async () => {
    const core = new ListenerCore(address, noop, { maxConnections: 5 });
    await core.close();
    expect(core.admit()).toBe("closing");
    expect(core.counters).toEqual({ accepted: 0, rejected: 0 });
  });

  it("keeps the default limit, and still takes a bare AbortSignal", async () => {
    const controller = new AbortController();
    const core = new ListenerCore(address, noop, controller.signal);
    expect(core.maxConnections).toBe(DEFAULT_MAX_CONNECTIONS);
    controller.abort();
    await flush();
    expect(core.isClosing).toBe(true);
    expect(new ListenerCore(address, noop, { maxConnections: Number.POSITIVE_INFINITY }).maxConnections).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe("checkListen", () => {
  it.each([0, -3, 2.5, Number.NaN, Number.NEGATIVE_INFINITY])("refuses maxConnections %s with RangeError", (n) => {
    expect(() => checkMaxConnections(n)).toThrow(RangeError);
    expect(() => checkListen({ maxConnections: n }, { maxConnections: true })).toThrow(RangeError);
  });

  it("refuses an option the adapter does not keep with UnsupportedError, never ignoring it", () => {
    expect(() => checkListen({ maxConnections: 10 })).toThrow(UnsupportedError);
    expect(() => checkListen({ reusePort: true })).toThrow(UnsupportedError);
    expect(() => checkListen({ reusePort: true }, { reusePort: "Node 20 has none" })).toThrow(/Node 20 has none/);
    expect(checkListen({ reusePort: true, maxConnections: 10 }, { reusePort: true, maxConnections: true })).toEqual({
      transport: "tcp",
      hostname: "127.0.0.1",
      port: 0,
    });
    expect(checkListen({ reusePort: false })).toMatchObject({ transport: "tcp" });
  });

  it("reusePort is for TCP ports only", () => {
    expect(() => checkListen({ reusePort: true, path: "/tmp/x.sock" }, { reusePort: true })).toThrow(TypeError);
  });
});

/** A runtime that drops one listen option before passing the rest on: the flaw the listen cases must catch. */
function ignoring(runtime: Runtime, option: "maxConnections" | "reusePort"): Runtime {
  return {
    name: runtime.name,
    connect: (options, connection) => runtime.connect(options, connection),
    listen: (options, accept) => runtime.listen({ ...options, [option]: undefined }, accept),
  };
}

describe("the listen cases have teeth", () => {
  it.each([
    ["maxConnections", "listen: maxConnections"],
    ["reusePort", "listen: reusePort"],
  ] as const)("a runtime that silently ignores %s fails its case", async (option, name) => {
    const results = await runConformance(ignoring(createMemoryRuntime(), option), { only: [name], caseTimeout: 3000 });
    expect(results).toHaveLength(1);
    expect(results[0]?.status, results[0]?.error).toBe("fail");
  });
});
