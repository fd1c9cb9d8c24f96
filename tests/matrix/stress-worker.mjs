// The Worker of the matrix's stress tier on workerd: runs the conformance suite's stress cases inside
// workerd with @sansio/workers (cloudflare:sockets) as the client runtime, against the conformance
// server posted as JSON `{ hostname, port, connections? }`, and answers with the results. Started by
// entries/workers.mjs --stress.
import { runConformance } from "@sansio/runtime-api/conformance";
import { runtime } from "@sansio/workers";

export default {
  async fetch(request) {
    try {
      const { hostname, port, connections } = await request.json();
      const results = await runConformance(runtime, {
        peer: { address: { transport: "tcp", hostname, port } },
        stress: true,
        only: ["stress:"],
        ...(connections ? { stressConnections: connections } : {}),
      });
      return Response.json(results);
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error), {
        status: 500,
      });
    }
  },
};
