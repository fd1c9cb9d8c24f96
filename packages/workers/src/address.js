/** What `session.local` (and `session.remote`, as a last resort) says when workerd does not report an address. */
export const UNKNOWN_ADDRESS = Object.freeze({ transport: "tcp", hostname: "0.0.0.0", port: 0 });
/** Parses workerd's `"host:port"` / `"[v6]:port"` address text; undefined when absent or unreadable. */
export function parseSocketAddress(text) {
  if (!text) return undefined;
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  let hostname = text.slice(0, colon);
  if (hostname.startsWith("[") && hostname.endsWith("]")) hostname = hostname.slice(1, -1);
  if (hostname === "") return undefined;
  return { transport: "tcp", hostname, port };
}
