export type { BunDriveOptions } from "./drive.js";
export { drive } from "./drive.js";
export { BunRuntime, runtime } from "./runtime.js";
export { socketHandlers } from "./socket-events.js";
export { alpnWire } from "./tls.js";
