export type { DenoDriveOptions } from "./drive.ts";
export { drive } from "./drive.ts";
export { runtime } from "./runtime.ts";
