import { packageConfig } from "../../tsup.shared.js";

// cloudflare:sockets is provided by the Workers runtime itself; never bundled.
export default packageConfig({
  entry: { index: "src/index.ts" },
  platform: "neutral",
  external: ["cloudflare:sockets"],
});
