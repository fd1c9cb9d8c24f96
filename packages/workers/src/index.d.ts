export { UNKNOWN_ADDRESS } from "./address.js";
export { drive } from "./drive.js";
export type { WorkersRuntimeOptions } from "./runtime.js";
export { createRuntime, runtime } from "./runtime.js";
export type { SocketConnector, WorkersSocket, WorkersSocketInfo, WorkersSocketOptions } from "./socket.js";
