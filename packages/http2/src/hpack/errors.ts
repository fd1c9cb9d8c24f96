/** Why an HPACK header block could not be decoded (RFC 7541 §4, §5, §6; RFC 9113 §6.5.2). */
export type HpackErrorCode =
  /** The block ended in the middle of a representation. */
  | "truncated"
  /** An integer did not fit in 2^31 - 1, or used more continuation bytes than that allows. */
  | "integer-overflow"
  /** An index of 0, or past the end of the static and dynamic tables. */
  | "invalid-index"
  /** Huffman: padding longer than 7 bits, padding not made of the EOS prefix, or the EOS symbol itself. */
  | "invalid-huffman"
  /** A string longer than the decoder's `maxStringLength`. */
  | "string-too-long"
  /** A dynamic table size update above the limit we announced, or not at the start of a block. */
  | "invalid-table-size-update";

/**
 * A header block that cannot be decoded. The decoder's dynamic table is no longer in step with the
 * peer's encoder, so the connection must end with COMPRESSION_ERROR (RFC 9113 §4.3).
 */
export class HpackError extends Error {
  override readonly name = "HpackError";
  /** What was wrong. */
  readonly code: HpackErrorCode;
  constructor(code: HpackErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
