import { SansioError } from "../errors.js";

/** A second resume was registered on a {@link PendingResume} while the first had not fired yet. */
export class ResumeAlreadyPendingError extends SansioError {
  override readonly name = "ResumeAlreadyPendingError";
}

/** A {@link DelimiterScanner} saw more than `limit` bytes without the delimiter. */
export class LineTooLongError extends SansioError {
  override readonly name = "LineTooLongError";
  constructor(
    /** The configured maximum line length (without the delimiter), in bytes. */
    readonly limit: number,
  ) {
    super(`line too long: no delimiter within ${limit} bytes`);
  }
}

/** A {@link ByteCollector} was asked to collect more than its `maxLength` bytes. */
export class ValueTooLargeError extends SansioError {
  override readonly name = "ValueTooLargeError";
  constructor(
    /** The length that was asked for, in bytes. */
    readonly length: number,
    /** The configured maximum, in bytes. */
    readonly limit: number,
  ) {
    super(`value too large: ${length} bytes asked for, at most ${limit} allowed`);
  }
}
