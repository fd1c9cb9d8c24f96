export { UNKNOWN_ADDRESS } from "./address.js";
export { drive } from "./drive.js";
export { createRuntime, runtime } from "./runtime.js";
