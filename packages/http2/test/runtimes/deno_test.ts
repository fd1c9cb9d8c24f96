// Run with: deno test -A --sloppy-imports --no-check packages/http2/test/runtimes/deno_test.ts
import { runtime } from "@sansio/deno";
import { clientAgainstServer, nodeClientAgainstOurServer, ourClientAgainstNodeServer } from "./checks.js";

// The global `Deno` namespace, as far as this file needs it (so Node's tsc checks it too).
declare const Deno: { test(name: string, fn: () => Promise<void>): void };

Deno.test("@sansio/http2 client against server on Deno, h2c", () => clientAgainstServer(runtime, false));
Deno.test("@sansio/http2 client against server on Deno, TLS + ALPN h2", () => clientAgainstServer(runtime, true));
Deno.test("our client on Deno against the node:http2 server, h2c", () => ourClientAgainstNodeServer(runtime, false));
Deno.test("our client on Deno against the node:http2 server, TLS + ALPN h2", () =>
  ourClientAgainstNodeServer(runtime, true));
Deno.test("the node:http2 client against our server on Deno, h2c", () => nodeClientAgainstOurServer(runtime, false));
Deno.test("the node:http2 client against our server on Deno, TLS + ALPN h2", () =>
  nodeClientAgainstOurServer(runtime, true));
