export type { EchoOptions } from "./protocols.js";
export { concatBytes, EchoConnection, SendAndCollect } from "./protocols.js";
