/** @sansio/http2: a sans-IO HTTP/2 client and server. */
export * from "./hpack/index.js";
