// On Cloudflare Workers the same framework is a client (Workers cannot accept TCP connections): this
// Worker answers GET /?path=<target> by asking the tiny server at TINY_HOST:TINY_PORT for <target>,
// through the one import (bundled with the workerd condition, it is @sansio/workers).
import { runtime } from "@sansio/runtime";
import { get } from "./tiny.ts";

interface Env {
  readonly TINY_HOST: string;
  readonly TINY_PORT: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const target = new URL(request.url).searchParams.get("path") ?? "/";
    try {
      const reply = await get({ hostname: env.TINY_HOST, port: Number(env.TINY_PORT) }, target);
      return new Response(`${reply.text.trimEnd()} (asked from ${runtime.name})\n`, { status: reply.status });
    } catch (error) {
      return new Response(`${error instanceof Error ? error.name : "Error"}: ${String(error)}\n`, { status: 502 });
    }
  },
} satisfies ExportedHandler<Env>;
