export type { DecodedHeaders, HpackDecoderOptions } from "./decoder.js";
export { HpackDecoder } from "./decoder.js";
export type { HpackEncoderOptions } from "./encoder.js";
export { DEFAULT_SENSITIVE_HEADERS, HpackEncoder } from "./encoder.js";
export type { HpackErrorCode } from "./errors.js";
export { HpackError } from "./errors.js";
