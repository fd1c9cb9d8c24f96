import { packageConfig } from "../../tsdown.shared.ts";

// index: the adapter, loaded in workerd (the `workerd` / `worker` conditions); cloudflare:sockets is
// provided by the Workers runtime itself, never bundled. unsupported: what every other runtime loads.
export default packageConfig({
  entry: { index: "src/index.ts", unsupported: "src/unsupported.ts" },
  platform: "neutral",
  external: ["cloudflare:sockets"],
});
