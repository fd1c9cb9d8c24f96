// Run with: bun test packages/http2/test/runtimes/bun_test.ts
import { test } from "bun:test";
import { runtime } from "@sansio/bun";
import { clientAgainstServer } from "./checks.js";

test("@sansio/http2 client against server on Bun, h2c", () => clientAgainstServer(runtime, false));
test("@sansio/http2 client against server on Bun, TLS + ALPN h2", () => clientAgainstServer(runtime, true));
