import { packageConfig } from "../../tsdown.shared.ts";

// "bun" is the runtime's own module; its types come from @types/bun and stay an import in the .d.ts.
export default packageConfig({ entry: { index: "src/index.ts" }, external: ["bun"] });
