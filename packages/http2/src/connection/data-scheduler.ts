import { dataFrameHeader } from "../frame/serialize.js";
import type { SendWindow } from "../state/flow.js";
import type { Http2Stream } from "./stream.js";

/** Where the scheduler writes, and what it tells the connection. */
export interface DataSink {
  /** Output bytes queued and not yet written. */
  readonly queued: number;
  /** True while output may be queued. */
  readonly open: boolean;
  /** Queues bytes (a frame header, a payload). */
  emit(bytes: Uint8Array): void;
  /** The peer's SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize(): number;
  /** A stream's trailers as HEADERS (+ CONTINUATION) frames ending the stream. */
  trailerFrames(stream: Http2Stream, trailers: string[]): Uint8Array[];
  /** The stream's END_STREAM went out. */
  ended(stream: Http2Stream): void;
}

/**
 * Sends the streams' bodies as flow control allows (RFC 9113 §6.9): one DATA frame per ready stream in
 * turn (round robin), each limited by the stream window, the connection window and the peer's frame
 * size, until the output reaches its high-water mark; then the end of each stream (END_STREAM on the
 * last DATA, an empty DATA, or trailers). A stream waiting for its window leaves the round until a
 * WINDOW_UPDATE puts it back ({@link add}).
 */
export class DataScheduler {
  private readonly ready = new Set<Http2Stream>();

  constructor(
    private readonly sink: DataSink,
    private readonly connectionWindow: SendWindow,
    private readonly highWaterMark: number,
  ) {}

  /** `stream` may have something to send (its HEADERS went out): join the round and send what can go. */
  add(stream: Http2Stream): void {
    if (stream.headersSent && stream.id !== 0) this.ready.add(stream);
    this.fill();
  }

  /** `stream` has nothing more to send (closed or reset). */
  remove(stream: Http2Stream): void {
    this.ready.delete(stream);
  }

  /** The connection ended. */
  clear(): void {
    this.ready.clear();
  }

  /** Moves body bytes of ready streams into the output while windows and the high-water mark allow. */
  fill(): void {
    if (!this.sink.open || this.ready.size === 0) return;
    let progressed = true;
    while (progressed && this.sink.queued < this.highWaterMark && this.ready.size > 0) {
      progressed = false;
      for (const stream of this.ready) {
        if (this.sink.queued >= this.highWaterMark) break;
        if (this.sendFrom(stream)) progressed = true;
      }
    }
  }

  /** Sends one DATA frame (or the end) from `stream`; false when it cannot send now. */
  private sendFrom(stream: Http2Stream): boolean {
    const outgoing = stream.outgoing;
    if (stream.endSent || stream.state === "closed") {
      this.ready.delete(stream);
      return false;
    }
    if (outgoing.bytes > 0) {
      const n = Math.min(
        outgoing.bytes,
        stream.sendWindow.available,
        this.connectionWindow.available,
        this.sink.maxFrameSize(),
      );
      if (n <= 0) {
        if (stream.sendWindow.available <= 0) this.ready.delete(stream);
        return false;
      }
      const chunk = outgoing.take(n);
      stream.sendWindow.consume(chunk.length);
      this.connectionWindow.consume(chunk.length);
      const last = outgoing.bytes === 0 && outgoing.ended && outgoing.trailers === null;
      this.sink.emit(dataFrameHeader(stream.id, chunk.length, last));
      this.sink.emit(chunk);
      if (last) this.end(stream);
      return true;
    }
    if (!outgoing.ended) {
      this.ready.delete(stream);
      return false;
    }
    const trailers = outgoing.trailers;
    outgoing.trailers = null;
    if (trailers !== null) for (const frame of this.sink.trailerFrames(stream, trailers)) this.sink.emit(frame);
    else this.sink.emit(dataFrameHeader(stream.id, 0, true));
    this.end(stream);
    return true;
  }

  private end(stream: Http2Stream): void {
    this.ready.delete(stream);
    this.sink.ended(stream);
  }
}
