import { DynamicTable, ENTRY_OVERHEAD } from "./dynamic-table.js";
import { HpackError } from "./errors.js";
import { huffmanDecode, huffmanMaxDecodedLength } from "./huffman.js";
import { decodeInteger } from "./integer.js";
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from "./static-table.js";
import { bytesToBinaryString } from "./strings.js";

/** SETTINGS_HEADER_TABLE_SIZE before any SETTINGS frame (RFC 9113 §6.5.2). */
const INITIAL_TABLE_SIZE = 4096;

/** Limits of an {@link HpackDecoder}. */
export interface HpackDecoderOptions {
  /**
   * Largest dynamic table the peer's encoder may use: our SETTINGS_HEADER_TABLE_SIZE. Default 4096.
   * Below 4096, the peer's first block must start with a size update.
   */
  readonly maxDynamicTableSize?: number;
  /**
   * Largest header list kept, counted as RFC 9113 §6.5.2 says (name + value + 32 octets per field);
   * a larger block is still decoded, to keep the dynamic table in step, but reported as `tooLarge`
   * and its fields dropped. Default 65536.
   */
  readonly maxHeaderListSize?: number;
  /** Longest name or value in octets (after Huffman decoding). Default 65536. */
  readonly maxStringLength?: number;
}

/** A decoded header block. */
export interface DecodedHeaders {
  /** The fields as a flat list `[name0, value0, name1, value1, ...]` (binary strings); empty when `tooLarge`. */
  readonly headers: string[];
  /** The header list size: name + value + 32 octets per field (RFC 9113 §6.5.2). */
  readonly size: number;
  /** True when `size` exceeded `maxHeaderListSize`: the fields were dropped. */
  readonly tooLarge: boolean;
}

/**
 * An HPACK decoder (RFC 7541 §3): one per connection direction, fed every header block in order.
 * Throws {@link HpackError} for a block it cannot decode: the connection must then end with
 * COMPRESSION_ERROR.
 */
export class HpackDecoder {
  private readonly table: DynamicTable;
  private maxTableSize: number;
  /** Set when our announced size went below the table's: the next block must start with an update. */
  private updateRequiredBelow = -1;
  readonly maxHeaderListSize: number;
  private readonly maxStringLength: number;
  private scratch = new Uint8Array(256);

  constructor(options: HpackDecoderOptions = {}) {
    // The table starts at the protocol's initial 4096 octets whatever we announce: the peer's encoder
    // changes it only with a size update (RFC 7541 §4.2), which our announced maximum bounds.
    this.table = new DynamicTable(INITIAL_TABLE_SIZE);
    this.maxTableSize = INITIAL_TABLE_SIZE;
    this.setMaxDynamicTableSize(options.maxDynamicTableSize ?? INITIAL_TABLE_SIZE);
    this.maxHeaderListSize = options.maxHeaderListSize ?? 65536;
    this.maxStringLength = options.maxStringLength ?? 65536;
  }

  /** Current dynamic table size in octets. */
  get dynamicTableSize(): number {
    return this.table.octets;
  }

  /**
   * Our SETTINGS_HEADER_TABLE_SIZE changed (call once the peer acknowledged it). Lowering it below the
   * peer's current table size obliges the peer to start its next block with a size update.
   */
  setMaxDynamicTableSize(size: number): void {
    if (size < this.table.maxSize) this.updateRequiredBelow = size;
    this.maxTableSize = size;
  }

  /** Decodes one complete header block `block[start..end]`. */
  decode(block: Uint8Array, start = 0, end = block.length): DecodedHeaders {
    const headers: string[] = [];
    let size = 0;
    let tooLarge = false;
    let i = start;
    let fieldsSeen = false;
    while (i < end) {
      const first = block[i] as number;
      let name: string;
      let value: string;
      if (first & 0x80) {
        // Indexed header field (§6.1).
        const index = decodeInteger(block, i, end, 7);
        i = index.end;
        name = this.nameAt(index.value);
        value = this.valueAt(index.value);
      } else if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3): only before the first field of a block.
        if (fieldsSeen) throw new HpackError("invalid-table-size-update", "table size update after a header field");
        const update = decodeInteger(block, i, end, 5);
        i = update.end;
        if (update.value > this.maxTableSize) {
          throw new HpackError(
            "invalid-table-size-update",
            `table size update to ${update.value} above the announced ${this.maxTableSize}`,
          );
        }
        if (this.updateRequiredBelow >= 0 && update.value <= this.updateRequiredBelow) this.updateRequiredBelow = -1;
        this.table.resize(update.value);
        continue;
      } else {
        // Literal (§6.2): with incremental indexing (01), without (0000) or never indexed (0001).
        const indexing = (first & 0xc0) === 0x40;
        const index = decodeInteger(block, i, end, indexing ? 6 : 4);
        i = index.end;
        if (index.value === 0) {
          const n = this.readString(block, i, end);
          name = n.value;
          i = n.end;
        } else {
          name = this.nameAt(index.value);
        }
        const v = this.readString(block, i, end);
        value = v.value;
        i = v.end;
        if (indexing) this.table.insert(name, value);
      }
      if (!fieldsSeen) {
        fieldsSeen = true;
        if (this.updateRequiredBelow >= 0) {
          throw new HpackError(
            "invalid-table-size-update",
            "expected a table size update after our SETTINGS_HEADER_TABLE_SIZE went down",
          );
        }
      }
      size += name.length + value.length + ENTRY_OVERHEAD;
      if (tooLarge) continue;
      if (size > this.maxHeaderListSize) {
        tooLarge = true;
        headers.length = 0;
        continue;
      }
      headers.push(name, value);
    }
    return { headers, size, tooLarge };
  }

  private nameAt(index: number): string {
    if (index >= 1 && index <= STATIC_TABLE_LENGTH) return (STATIC_TABLE[index - 1] as readonly [string, string])[0];
    const dynamic = index - STATIC_TABLE_LENGTH - 1;
    if (index === 0 || dynamic >= this.table.length) throw invalidIndex(index);
    return this.table.name(dynamic);
  }

  private valueAt(index: number): string {
    if (index >= 1 && index <= STATIC_TABLE_LENGTH) return (STATIC_TABLE[index - 1] as readonly [string, string])[1];
    const dynamic = index - STATIC_TABLE_LENGTH - 1;
    if (index === 0 || dynamic >= this.table.length) throw invalidIndex(index);
    return this.table.value(dynamic);
  }

  private readString(block: Uint8Array, offset: number, end: number): { value: string; end: number } {
    if (offset >= end) throw new HpackError("truncated", "header block ends before a string");
    const huffman = ((block[offset] as number) & 0x80) !== 0;
    const length = decodeInteger(block, offset, end, 7);
    const stop = length.end + length.value;
    if (stop > end) throw new HpackError("truncated", "header block ends inside a string");
    if (!huffman) {
      if (length.value > this.maxStringLength) throw tooLong(length.value, this.maxStringLength);
      return { value: bytesToBinaryString(block, length.end, stop), end: stop };
    }
    const most = huffmanMaxDecodedLength(length.value);
    if (this.scratch.length < most) this.scratch = new Uint8Array(Math.max(most, this.scratch.length * 2));
    const n = huffmanDecode(block, length.end, stop, this.scratch);
    if (n > this.maxStringLength) throw tooLong(n, this.maxStringLength);
    return { value: bytesToBinaryString(this.scratch, 0, n), end: stop };
  }
}

function invalidIndex(index: number): HpackError {
  return new HpackError("invalid-index", `header field index ${index} is not in the tables`);
}

function tooLong(length: number, max: number): HpackError {
  return new HpackError("string-too-long", `header string of ${length} octets is longer than ${max}`);
}
