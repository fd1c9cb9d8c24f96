import type { Address } from "@sansio/runtime-api";
/** What `session.local` (and `session.remote`, as a last resort) says when workerd does not report an address. */
export declare const UNKNOWN_ADDRESS: Address;
/** Parses workerd's `"host:port"` / `"[v6]:port"` address text; undefined when absent or unreadable. */
export declare function parseSocketAddress(text: string | undefined): Address | undefined;
