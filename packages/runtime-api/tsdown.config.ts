import { packageConfig } from "../../tsdown.shared.ts";

export default packageConfig({
  entry: {
    index: "src/index.ts",
    adapter: "src/adapter.ts",
    testing: "src/testing/index.ts",
    conformance: "src/conformance/index.ts",
  },
});
