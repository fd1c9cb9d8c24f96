import { packageConfig } from "../../tsup.shared.js";

export default packageConfig({ entry: { index: "src/index.ts" } });
