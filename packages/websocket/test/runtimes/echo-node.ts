import { runtime } from "@sansio/node";
import { main } from "./app.ts";

await main(runtime, process.argv.slice(2));
