import type { Transport, TransportSink, WriteCallback } from "../src/transport.js";

/** A hand-driven transport: tests push input and complete writes themselves, step by step. */
export class FakeTransport implements Transport {
  readonly pull = false;
  readonly writes: { iovecs: readonly Uint8Array[]; done: WriteCallback }[] = [];
  reading = false;
  readStarts = 0;
  shutdownWrites = 0;
  closes = 0;
  aborts = 0;
  /** Complete writes synchronously inside `write` with this outcome. */
  syncWrites: { error: unknown; written: (total: number) => number } | undefined;
  sink: TransportSink | undefined;

  readStart(): void {
    this.reading = true;
    this.readStarts++;
  }
  readStop(): void {
    this.reading = false;
  }
  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    const total = iovecs.reduce((n, v) => n + v.length, 0);
    if (this.syncWrites) done(this.syncWrites.error, this.syncWrites.written(total));
    else this.writes.push({ iovecs, done });
  }
  shutdownWrite(): void {
    this.shutdownWrites++;
  }
  close(): void {
    this.closes++;
    queueMicrotask(() => this.sink?.socketClosed());
  }
  abort(): void {
    this.aborts++;
    queueMicrotask(() => this.sink?.socketClosed());
  }
}

/** Lets queued microtasks (resumes) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
