import { packageConfig } from "../../tsdown.shared.ts";

export default packageConfig({ entry: { index: "src/index.ts" } });
