export type { DriverFlaw } from "./flaws.js";
export { createFlawedRuntime } from "./flaws.js";
export { MemoryClock } from "./memory-clock.js";
export type { MemoryRuntimeOptions } from "./memory-runtime.js";
export { createMemoryRuntime, MemoryRuntime, negotiateAlpn } from "./memory-runtime.js";
export { SeededRandom } from "./random.js";
