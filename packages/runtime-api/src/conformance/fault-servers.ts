import type { ServerFactory } from "./servers.js";

/** The server protocols the fault cases use, offered by every conformance server. */
export function faultServerFactories(): Record<string, ServerFactory> {
  return {};
}
