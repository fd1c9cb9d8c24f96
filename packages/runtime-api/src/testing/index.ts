export type { DriverFlaw } from "../driver.js";
export { driverFlaw } from "../driver.js";
export type { MemoryRuntimeOptions } from "./memory-runtime.js";
export { createFlawedMemoryRuntime, createMemoryRuntime, MemoryRuntime, negotiateAlpn } from "./memory-runtime.js";
export { SeededRandom } from "./random.js";
