import { packageConfig } from "../../tsup.shared.js";

// The entries share code (the driver, the errors) through chunks, so each class exists once.
export default packageConfig({
  entry: {
    index: "src/index.ts",
    adapter: "src/adapter.ts",
    testing: "src/testing/index.ts",
    conformance: "src/conformance/index.ts",
  },
  splitting: true,
});
