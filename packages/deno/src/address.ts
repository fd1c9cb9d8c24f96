import type { Address } from "@sansio/runtime-api";

/**
 * A Deno address as a sansio {@link Address}. TLS conns report `{ hostname, port }` without a
 * `transport` field, and an unnamed unix socket end has `path: null` (reported as `""`).
 */
export function toAddress(addr: Deno.Addr): Address {
  if ("path" in addr) return { transport: "unix", path: addr.path ?? "" };
  if ("hostname" in addr) return { transport: "tcp", hostname: addr.hostname, port: addr.port };
  return { transport: "tcp", hostname: String(addr.cid), port: addr.port };
}
