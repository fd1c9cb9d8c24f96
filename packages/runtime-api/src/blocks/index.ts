export {
  ByteCollector,
  type ByteCollectorOptions,
  type ByteCollectorState,
  DEFAULT_MAX_VALUE_LENGTH,
} from "./byte-collector.js";
export { Deferred } from "./deferred.js";
export { DEFAULT_MAX_LINE_LENGTH, DelimiterScanner, type DelimiterScannerOptions } from "./delimiter-scanner.js";
export { LineTooLongError, ResumeAlreadyPendingError, ValueTooLargeError } from "./errors.js";
export {
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_MAX_IOVECS,
  OutputQueue,
  type OutputQueueOptions,
  type OutputState,
} from "./output-queue.js";
export { PendingQueue, type Rejectable } from "./pending-queue.js";
export { PendingResume } from "./pending-resume.js";
