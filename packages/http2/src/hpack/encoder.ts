import { DynamicTable, ENTRY_OVERHEAD } from "./dynamic-table.js";
import { huffmanEncode, huffmanEncodedLength } from "./huffman.js";
import { writeInteger } from "./integer.js";
import { STATIC_FIELD_INDEX, STATIC_NAME_INDEX, STATIC_TABLE_LENGTH } from "./static-table.js";
import { toBinaryString, writeBinaryString } from "./strings.js";

/** Header names whose values are sent "never indexed" (RFC 7541 §7.1.3) unless told otherwise. */
export const DEFAULT_SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
]);

/** Options of an {@link HpackEncoder}. */
export interface HpackEncoderOptions {
  /** Largest dynamic table we are willing to use, whatever the peer allows. Default 4096. */
  readonly maxDynamicTableSize?: number;
  /** Names (lower case) whose fields are never indexed, here or by intermediaries. Default {@link DEFAULT_SENSITIVE_HEADERS}. */
  readonly sensitiveHeaders?: ReadonlySet<string>;
  /** When to Huffman-code strings: `"shorter"` (when that is shorter; default), `"always"` or `"never"`. */
  readonly huffman?: "shorter" | "always" | "never";
}

/**
 * An HPACK encoder (RFC 7541): one per connection direction. Fields found in the static or dynamic
 * table are sent as an index; others as literals, added to the dynamic table when they fit in half
 * of it; sensitive fields (authorization, cookies...) as never-indexed literals.
 */
export class HpackEncoder {
  private readonly table: DynamicTable;
  private readonly ownMax: number;
  private readonly sensitive: ReadonlySet<string>;
  private readonly huffman: "shorter" | "always" | "never";
  /** Where each `name\0value` and each name was last inserted (a sequence number of the table). */
  private fields = new Map<string, number>();
  private names = new Map<string, number>();
  /** Size updates owed at the start of the next block (RFC 7541 §4.2): the smallest, then the last. */
  private pendingMin = -1;
  private pendingLast = -1;

  constructor(options: HpackEncoderOptions = {}) {
    this.ownMax = options.maxDynamicTableSize ?? 4096;
    this.table = new DynamicTable(Math.min(this.ownMax, 4096));
    this.sensitive = options.sensitiveHeaders ?? DEFAULT_SENSITIVE_HEADERS;
    this.huffman = options.huffman ?? "shorter";
  }

  /** Current dynamic table size in octets. */
  get dynamicTableSize(): number {
    return this.table.octets;
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed: use min(it, our own maximum) from the next block on,
   * which starts with the size update(s) that tell the peer's decoder.
   */
  setPeerMaxDynamicTableSize(size: number): void {
    const next = Math.min(size, this.ownMax);
    if (next === this.table.maxSize && this.pendingLast < 0) return;
    this.pendingMin = this.pendingMin < 0 ? next : Math.min(this.pendingMin, next);
    this.pendingLast = next;
    this.table.resize(next);
  }

  /**
   * Encodes a header list, a flat `[name0, value0, ...]` with lower-case names, into one header block.
   * Names listed in `sensitive` (beyond the encoder's defaults) are sent never indexed.
   */
  encode(headers: readonly string[], sensitive?: ReadonlySet<string>): Uint8Array {
    let bound = 10;
    for (let i = 0; i < headers.length; i++) bound += (headers[i] as string).length * 3 + 8;
    const out = new Uint8Array(bound);
    let at = this.writeSizeUpdates(out, 0);
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = toBinaryString(headers[i] as string);
      const value = toBinaryString(headers[i + 1] as string);
      at = this.encodeField(name, value, sensitive?.has(name) === true || this.sensitive.has(name), out, at);
    }
    return out.subarray(0, at);
  }

  private writeSizeUpdates(out: Uint8Array, at: number): number {
    if (this.pendingLast < 0) return at;
    if (this.pendingMin < this.pendingLast) at = writeInteger(out, at, this.pendingMin, 5, 0x20);
    at = writeInteger(out, at, this.pendingLast, 5, 0x20);
    this.pendingMin = -1;
    this.pendingLast = -1;
    return at;
  }

  private encodeField(name: string, value: string, sensitive: boolean, out: Uint8Array, at: number): number {
    const key = `${name}\0${value}`;
    if (!sensitive) {
      const index = this.fieldIndex(key);
      if (index > 0) return writeInteger(out, at, index, 7, 0x80);
    }
    const nameIndex = this.nameIndex(name);
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (sensitive) {
      at = writeInteger(out, at, nameIndex, 4, 0x10);
    } else if (entrySize * 2 <= this.table.maxSize) {
      at = writeInteger(out, at, nameIndex, 6, 0x40);
      const sequence = this.table.nextSequence;
      this.table.insert(name, value);
      this.fields.set(key, sequence);
      this.names.set(name, sequence);
      if (this.fields.size > 2 * this.table.length + 64) this.forgetEvicted();
    } else {
      at = writeInteger(out, at, nameIndex, 4, 0x00);
    }
    if (nameIndex === 0) at = this.writeString(name, out, at);
    return this.writeString(value, out, at);
  }

  /** Index (static or dynamic) of the exact field, or 0. */
  private fieldIndex(key: string): number {
    return STATIC_FIELD_INDEX.get(key) ?? this.dynamicIndex(this.fields.get(key));
  }

  /** Index (static or dynamic) of an entry with this name, or 0. */
  private nameIndex(name: string): number {
    return STATIC_NAME_INDEX.get(name) ?? this.dynamicIndex(this.names.get(name));
  }

  /** HPACK index of the dynamic entry inserted as `sequence`, or 0 when unknown or evicted. */
  private dynamicIndex(sequence: number | undefined): number {
    if (sequence === undefined) return 0;
    const index = this.table.indexOfSequence(sequence);
    return index < 0 ? 0 : STATIC_TABLE_LENGTH + 1 + index;
  }

  /** Rebuilds the lookup maps from the table so they hold no evicted entries (bounded memory). */
  private forgetEvicted(): void {
    this.fields = new Map();
    this.names = new Map();
    const first = this.table.nextSequence - this.table.length;
    for (let index = this.table.length - 1; index >= 0; index--) {
      const name = this.table.name(index);
      const sequence = first + (this.table.length - 1 - index);
      this.fields.set(`${name}\0${this.table.value(index)}`, sequence);
      this.names.set(name, sequence);
    }
  }

  private writeString(text: string, out: Uint8Array, at: number): number {
    if (this.huffman !== "never") {
      const coded = huffmanEncodedLength(text);
      if (this.huffman === "always" || coded < text.length) {
        at = writeInteger(out, at, coded, 7, 0x80);
        return huffmanEncode(text, out, at);
      }
    }
    at = writeInteger(out, at, text.length, 7, 0x00);
    return writeBinaryString(text, out, at);
  }
}
