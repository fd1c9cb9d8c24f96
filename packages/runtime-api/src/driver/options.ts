import { checkReadBufferSizes } from "../read-buffer.js";
import type { DriveOptions } from "../runtime.js";

/**
 * Throws `RangeError` for drive options that make no sense (buffer sizes, a negative idle timeout).
 * Adapters call it before they bind or connect anything; the driver calls it too.
 */
export function checkDriveOptions(options: DriveOptions): void {
  checkReadBufferSizes(options.readBufferSize, options.maxReadBufferSize);
  const idle = options.idleTimeout ?? 0;
  if (!Number.isFinite(idle) || idle < 0) throw new RangeError(`idleTimeout must be >= 0 ms, got ${idle}`);
}
