export type { DriverClock } from "./clock.js";
export { monotonicClock } from "./clock.js";
export type { DriverOptions, DriverPhase } from "./driver.js";
export { Driver } from "./driver.js";
export { checkDriveOptions } from "./options.js";
