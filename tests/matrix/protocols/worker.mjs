// The Worker of the matrix's protocol cases: runs cases.mjs inside workerd with @sansio/workers
// (cloudflare:sockets) as the client runtime, against the peer posted as JSON `{ hostname, h2Port,
// wsPort }`, and answers with the results. Started by entries/workers.mjs.
import { runtime } from "@sansio/workers";
import { runProtocolCases } from "./cases.mjs";

export default {
  async fetch(request) {
    try {
      return Response.json(await runProtocolCases(runtime, await request.json()));
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error), {
        status: 500,
      });
    }
  },
};
