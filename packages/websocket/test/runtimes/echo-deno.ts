import { runtime } from "@sansio/deno";
import { main } from "./app.ts";

const deno = (globalThis as unknown as { Deno: { args: string[] } }).Deno;
await main(runtime, deno.args);
