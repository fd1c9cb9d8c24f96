// Run with: bun test packages/http2/test/runtimes/bun_test.ts
import { test } from "bun:test";
import { runtime } from "@sansio/bun";
import { clientAgainstServer, nodeClientAgainstOurServer, ourClientAgainstNodeServer } from "./checks.js";

test("@sansio/http2 client against server on Bun, h2c", () => clientAgainstServer(runtime, false));
test("@sansio/http2 client against server on Bun, TLS + ALPN h2", () => clientAgainstServer(runtime, true));
test("our client on Bun against the node:http2 server, h2c", () => ourClientAgainstNodeServer(runtime, false));
test("our client on Bun against the node:http2 server, TLS + ALPN h2", () => ourClientAgainstNodeServer(runtime, true));
test("the node:http2 client against our server on Bun, h2c", () => nodeClientAgainstOurServer(runtime, false));
test("the node:http2 client against our server on Bun, TLS + ALPN h2", () => nodeClientAgainstOurServer(runtime, true));
