// The app, written against tiny only: the same file is served on Node, Deno and Bun.
import { runtime } from "@sansio/runtime";
import { App } from "./tiny.ts";

export const app = new App()
  .get("/", () => `hello from ${runtime.name}\n`)
  .get("/add", ({ url }) => {
    const sum = Number(url.searchParams.get("a")) + Number(url.searchParams.get("b"));
    return `${sum}\n`;
  });
