import { HpackError } from "./errors.js";

/**
 * Code lengths in bits of the HPACK Huffman code, symbols 0..255 then EOS (256), as listed in
 * RFC 7541 Appendix B. The code is canonical (codes of one length are consecutive and follow the
 * shorter ones, in symbol order), so the codes themselves are rebuilt from these lengths below; the
 * test suite checks every code against the Appendix B values.
 */
// biome-ignore format: one row per 32 symbols, as data
const CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

const EOS = 256;

/** The code of each symbol (right-aligned), rebuilt from {@link CODE_LENGTHS}. */
export const HUFFMAN_CODES: Uint32Array = canonicalCodes(CODE_LENGTHS);
/** The length in bits of each symbol's code. */
export const HUFFMAN_LENGTHS: Uint8Array = Uint8Array.from(CODE_LENGTHS);

function canonicalCodes(lengths: readonly number[]): Uint32Array {
  const order = lengths
    .map((_, symbol) => symbol)
    .sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  let length = lengths[order[0] as number] as number;
  for (const symbol of order) {
    const l = lengths[symbol] as number;
    if (l > length) {
      code *= 2 ** (l - length);
      length = l;
    }
    codes[symbol] = code++;
  }
  return codes;
}

/** Length in bytes of the binary string `text` (one char per octet) Huffman-coded, padding included. */
export function huffmanEncodedLength(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += HUFFMAN_LENGTHS[text.charCodeAt(i)] as number;
  return (bits + 7) >>> 3;
}

/**
 * Huffman-codes the binary string `text` (one char per octet) into `out` at `offset` (which must have
 * room for {@link huffmanEncodedLength} bytes), padding the last byte with 1 bits (the EOS prefix).
 * Returns the offset after the code.
 */
export function huffmanEncode(text: string, out: Uint8Array, offset: number): number {
  // `pending` holds at most 7 + 30 bits: within a double's exact integer range.
  let pending = 0;
  let pendingBits = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = text.charCodeAt(i);
    const length = HUFFMAN_LENGTHS[symbol] as number;
    pending = pending * 2 ** length + (HUFFMAN_CODES[symbol] as number);
    pendingBits += length;
    while (pendingBits >= 8) {
      pendingBits -= 8;
      const scale = 2 ** pendingBits;
      const byte = Math.floor(pending / scale);
      out[offset++] = byte;
      pending -= byte * scale;
    }
  }
  if (pendingBits > 0) out[offset++] = (pending << (8 - pendingBits)) | (0xff >>> pendingBits);
  return offset;
}

// ---- decoding: a nibble-driven state machine built from the code tree ----
//
// States are the internal nodes of the code tree (256 of them; 0 is the root). For each state and
// each 4-bit input, DECODE_TABLE holds: the next state, the symbol completed on the way (if any; at
// most one, since no code is shorter than 5 bits) and whether the input was invalid (EOS decoded).
// ACCEPTING marks the states a string may end in: at most 7 bits deep, all of them 1 (RFC 7541 §5.2).

const NO_SYMBOL = 0x1ff;
const FAIL = 0x200;

const { table: DECODE_TABLE, accepting: ACCEPTING } = buildDecoder();

function buildDecoder(): { table: Uint16Array; accepting: Uint8Array } {
  // Build the tree: children[2 * node + bit] = child node (>= 0) or ~symbol for a leaf.
  const children = new Int32Array(2 * 256).fill(0x7fffffff);
  const depth = new Uint8Array(256);
  const allOnes = new Uint8Array(256);
  allOnes[0] = 1;
  let nodes = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const length = HUFFMAN_LENGTHS[symbol] as number;
    const code = HUFFMAN_CODES[symbol] as number;
    let node = 0;
    for (let i = length - 1; i >= 0; i--) {
      const bit = Math.floor(code / 2 ** i) & 1;
      const slot = 2 * node + bit;
      if (i === 0) {
        children[slot] = ~symbol;
      } else {
        if (children[slot] === 0x7fffffff) {
          const child = nodes++;
          children[slot] = child;
          depth[child] = (depth[node] as number) + 1;
          allOnes[child] = allOnes[node] === 1 && bit === 1 ? 1 : 0;
        }
        node = children[slot] as number;
      }
    }
  }
  const table = new Uint16Array(256 * 16 * 2);
  const accepting = new Uint8Array(256);
  for (let state = 0; state < 256; state++) {
    accepting[state] = allOnes[state] === 1 && (depth[state] as number) <= 7 ? 1 : 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let emitted = NO_SYMBOL;
      let failed = false;
      for (let i = 3; i >= 0; i--) {
        const next = children[2 * node + ((nibble >>> i) & 1)] as number;
        if (next < 0) {
          const symbol = ~next;
          if (symbol === EOS) failed = true;
          emitted = symbol;
          node = 0;
        } else {
          node = next;
        }
      }
      const at = (state * 16 + nibble) * 2;
      table[at] = node;
      table[at + 1] = failed ? FAIL : emitted;
    }
  }
  return { table, accepting };
}

/**
 * Decodes a Huffman-coded string `bytes[start..end]` into `out`, which must hold at least
 * {@link huffmanMaxDecodedLength}`(end - start)` bytes.
 * Returns the number of bytes written. Throws {@link HpackError} `invalid-huffman` for EOS, padding
 * longer than 7 bits, or padding that is not all 1 bits.
 */
export function huffmanDecode(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    let at = (state * 16 + (byte >>> 4)) * 2;
    let symbol = DECODE_TABLE[at + 1] as number;
    if (symbol !== NO_SYMBOL) {
      if (symbol === FAIL) throw invalidHuffman("the EOS symbol");
      out[n++] = symbol;
    }
    state = DECODE_TABLE[at] as number;
    at = (state * 16 + (byte & 0x0f)) * 2;
    symbol = DECODE_TABLE[at + 1] as number;
    if (symbol !== NO_SYMBOL) {
      if (symbol === FAIL) throw invalidHuffman("the EOS symbol");
      out[n++] = symbol;
    }
    state = DECODE_TABLE[at] as number;
  }
  if (ACCEPTING[state] !== 1) throw invalidHuffman("padding that is not a prefix of EOS of at most 7 bits");
  return n;
}

/** Most bytes a Huffman code of `codeLength` bytes can decode to (the shortest code is 5 bits). */
export function huffmanMaxDecodedLength(codeLength: number): number {
  return Math.floor((codeLength * 8) / 5);
}

function invalidHuffman(what: string): HpackError {
  return new HpackError("invalid-huffman", `Huffman-coded string contains ${what}`);
}
