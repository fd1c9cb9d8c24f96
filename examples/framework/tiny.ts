// "tiny": a framework written once for every runtime. Its only runtime line is the one import below;
// HTTP/1.1 is @sansio/http1, a sans-IO protocol that any adapter drives.
//   app.listen(...)          serves the app on Node, Deno and Bun (Workers cannot listen: UnsupportedError)
//   get(address, target)     asks a tiny server for one resource, from any of the four runtimes
import { createClientConnection, http1Server, type IncomingRequest } from "@sansio/http1";
import { type Listener, runtime } from "@sansio/runtime";

/** A route: answers a request with text (status 200), or throws to answer 500. */
export type Route = (request: { readonly url: URL; readonly raw: IncomingRequest }) => string | Promise<string>;

/** Where a tiny server is (or should listen). */
export interface TinyAddress {
  readonly hostname: string;
  readonly port: number;
}

/** An app: GET routes by path; anything else is 404. */
export class App {
  readonly #routes = new Map<string, Route>();

  /** Answers GET `path` with `route`. */
  get(path: string, route: Route): this {
    this.#routes.set(path, route);
    return this;
  }

  /** Serves the app over HTTP/1.1 on the runtime the one import picked. */
  listen(address: TinyAddress): Promise<Listener> {
    return runtime.listen(
      address,
      http1Server(async (request, response) => {
        const url = new URL(request.target, "http://tiny");
        const route = request.method === "GET" ? this.#routes.get(url.pathname) : undefined;
        if (!route) {
          response.respond(404, { "content-type": "text/plain" }, "not found\n");
          return;
        }
        response.respond(200, { "content-type": "text/plain" }, await route({ url, raw: request }));
      }),
    );
  }
}

/** A tiny reply: status and text. */
export interface TinyReply {
  readonly status: number;
  readonly text: string;
}

/** GETs `target` from the server at `address` (one connection, one request), on whichever runtime this runs. */
export async function get(address: TinyAddress, target: string): Promise<TinyReply> {
  const client = createClientConnection({ host: `${address.hostname}:${address.port}` });
  const session = await runtime.connect({ ...address, signal: AbortSignal.timeout(10_000) }, client);
  try {
    const response = await client.request({ target });
    return { status: response.status, text: await response.body.text() };
  } finally {
    client.shutdown();
    await session.closed;
  }
}
