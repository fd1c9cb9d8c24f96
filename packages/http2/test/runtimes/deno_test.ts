// Run with: deno test -A --sloppy-imports packages/http2/test/runtimes/deno_test.ts
import { runtime } from "@sansio/deno";
import { clientAgainstServer } from "./checks.ts";

Deno.test("@sansio/http2 client against server on Deno, h2c", () => clientAgainstServer(runtime, false));
Deno.test("@sansio/http2 client against server on Deno, TLS + ALPN h2", () => clientAgainstServer(runtime, true));
