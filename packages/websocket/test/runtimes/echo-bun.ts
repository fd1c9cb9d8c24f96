import { runtime } from "@sansio/bun";
import { main } from "./app.ts";

await main(runtime, process.argv.slice(2));
