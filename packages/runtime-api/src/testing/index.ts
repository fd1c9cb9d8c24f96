export type { MemoryRuntimeOptions } from "./memory-runtime.js";
export { createMemoryRuntime, MemoryRuntime, negotiateAlpn } from "./memory-runtime.js";
export { SeededRandom } from "./random.js";
