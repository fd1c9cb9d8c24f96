import { HTAB, SEMICOLON, SP, TCHAR } from "./chars.js";

/**
 * Where a chunk-size line is once its digits are read, in the chunk-ext grammar of RFC 9112 §7.1.1:
 *
 *     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *     chunk-ext-name = token
 *     chunk-ext-val  = token / quoted-string
 *
 * - `size-end`: right after the size's last digit;
 * - `after-size`: whitespace after the size (only `;` may follow it);
 * - `before-name`: after a `;`, before the extension's name;
 * - `name`, `after-name`: in the name, or in whitespace after it (`=`, `;` or the end may follow);
 * - `before-value`: after `=`, before the value;
 * - `token-value`, `quoted`, `quoted-pair`: in a token value, a quoted value, after a `\` in one;
 * - `after-quote`: right after a closing quote;
 * - `after-value`: whitespace after a value (only `;` may follow it).
 *
 * The line may end (CRLF) right after the digits, a name, a token value or a closing quote:
 * {@link extensionMayEnd} says where.
 */
export type ExtensionState =
  | "size-end"
  | "after-size"
  | "before-name"
  | "name"
  | "after-name"
  | "before-value"
  | "token-value"
  | "quoted"
  | "quoted-pair"
  | "after-quote"
  | "after-value";

/** The transition result for a byte the grammar does not allow where it is. */
export const EXTENSION_ERROR = "error";

const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** 1 for `qdtext` (RFC 9110 §5.6.4): HTAB, SP, `!`, `#`-`[`, `]`-`~`, obs-text. */
const QDTEXT: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    table[c] =
      c === HTAB || c === SP || c === 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80 ? 1 : 0;
  }
  return table;
})();

/** 1 for a byte that may follow `\` in a quoted-pair: HTAB, SP, VCHAR, obs-text. */
const QUOTED_PAIR: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = c === HTAB || c === SP || (c > 0x20 && c !== 0x7f) ? 1 : 0;
  return table;
})();

function isWhitespace(c: number): boolean {
  return c === SP || c === HTAB;
}

/**
 * The state after byte `c` (never CR: the caller ends the line there, see {@link extensionMayEnd}),
 * or {@link EXTENSION_ERROR}. A pure transition function: the chunked decoder calls it once per byte.
 */
export function nextExtensionState(state: ExtensionState, c: number): ExtensionState | typeof EXTENSION_ERROR {
  switch (state) {
    case "size-end":
    case "after-size":
      if (c === SEMICOLON) return "before-name";
      return isWhitespace(c) ? "after-size" : EXTENSION_ERROR;
    case "after-quote":
    case "after-value":
      if (c === SEMICOLON) return "before-name";
      return isWhitespace(c) ? "after-value" : EXTENSION_ERROR;
    case "before-name":
      if (TCHAR[c] === 1) return "name";
      return isWhitespace(c) ? "before-name" : EXTENSION_ERROR;
    case "name":
      if (TCHAR[c] === 1) return "name";
      if (c === EQUALS) return "before-value";
      if (c === SEMICOLON) return "before-name";
      return isWhitespace(c) ? "after-name" : EXTENSION_ERROR;
    case "after-name":
      if (c === EQUALS) return "before-value";
      if (c === SEMICOLON) return "before-name";
      return isWhitespace(c) ? "after-name" : EXTENSION_ERROR;
    case "before-value":
      if (TCHAR[c] === 1) return "token-value";
      if (c === DQUOTE) return "quoted";
      return isWhitespace(c) ? "before-value" : EXTENSION_ERROR;
    case "token-value":
      if (TCHAR[c] === 1) return "token-value";
      if (c === SEMICOLON) return "before-name";
      return isWhitespace(c) ? "after-value" : EXTENSION_ERROR;
    case "quoted":
      if (c === DQUOTE) return "after-quote";
      if (c === BACKSLASH) return "quoted-pair";
      return QDTEXT[c] === 1 ? "quoted" : EXTENSION_ERROR;
    case "quoted-pair":
      return QUOTED_PAIR[c] === 1 ? "quoted" : EXTENSION_ERROR;
  }
}

/**
 * Whether the chunk-size line may end (CRLF) in `state`: right after the digits, a name, a token value
 * or a closing quote. Not after whitespace: RFC 9112 allows BWS only before `;` and `=`, and a line
 * ending in whitespace is where parsers are led to disagree.
 */
export function extensionMayEnd(state: ExtensionState): boolean {
  return state === "size-end" || state === "name" || state === "token-value" || state === "after-quote";
}

/**
 * Checks the text after a chunk size's digits (up to the CR, exclusive) against the chunk-ext
 * grammar: true when it is valid. For tests and tools; the decoder steps through the same
 * transitions a byte at a time.
 */
export function isValidChunkExtension(text: string): boolean {
  let state: ExtensionState = "size-end";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return false;
    const next = nextExtensionState(state, c);
    if (next === EXTENSION_ERROR) return false;
    state = next;
  }
  return extensionMayEnd(state);
}
