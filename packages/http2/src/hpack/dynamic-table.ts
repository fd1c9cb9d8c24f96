/** The overhead RFC 7541 §4.1 counts for each table entry on top of its name and value octets. */
export const ENTRY_OVERHEAD = 32;

/**
 * The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of name/value entries, newest first, bounded
 * by a size in octets (name + value + 32 per entry). Strings are "binary" strings: one char per octet.
 * Every entry gets a sequence number when inserted, so the encoder can remember where a field went
 * without searching the table.
 */
export class DynamicTable {
  private names: string[] = [];
  private values: string[] = [];
  /** Index in `names`/`values` of the oldest entry still in the table. */
  private start = 0;
  private size = 0;
  private capacity: number;
  /** Entries ever inserted; the newest entry has sequence number `inserted - 1`. */
  private inserted = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Number of entries. */
  get length(): number {
    return this.names.length - this.start;
  }
  /** Current size in octets (RFC 7541 §4.1). */
  get octets(): number {
    return this.size;
  }
  /** Maximum size in octets. */
  get maxSize(): number {
    return this.capacity;
  }

  /** Name of entry `index` (0 = newest). The caller checks `index < length`. */
  name(index: number): string {
    return this.names[this.names.length - 1 - index] as string;
  }
  /** Value of entry `index` (0 = newest). */
  value(index: number): string {
    return this.values[this.values.length - 1 - index] as string;
  }

  /** Sequence number the next inserted entry will get. */
  get nextSequence(): number {
    return this.inserted;
  }
  /** Current index (0 = newest) of the entry with sequence number `sequence`, or -1 once evicted. */
  indexOfSequence(sequence: number): number {
    const index = this.inserted - 1 - sequence;
    return index >= 0 && index < this.length ? index : -1;
  }

  /** Changes the maximum size, evicting the oldest entries until the table fits (RFC 7541 §4.3). */
  resize(capacity: number): void {
    this.capacity = capacity;
    this.evictTo(capacity);
  }

  /**
   * Inserts a new entry, evicting old ones to make room (RFC 7541 §4.4). An entry larger than the
   * whole table empties it and is not stored. Returns false in that case.
   */
  insert(name: string, value: string): boolean {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    this.inserted++;
    if (entrySize > this.capacity) {
      this.evictTo(0);
      return false;
    }
    this.evictTo(this.capacity - entrySize);
    this.names.push(name);
    this.values.push(value);
    this.size += entrySize;
    return true;
  }

  private evictTo(target: number): void {
    while (this.size > target) {
      const name = this.names[this.start] as string;
      const value = this.values[this.start] as string;
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
      this.start++;
    }
    // Compact now and then so evicted entries do not pile up.
    if (this.start > 32 && this.start * 2 > this.names.length) {
      this.names = this.names.slice(this.start);
      this.values = this.values.slice(this.start);
      this.start = 0;
    }
  }
}
