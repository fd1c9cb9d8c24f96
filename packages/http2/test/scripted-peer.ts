import {
  type Connection,
  OutputQueue,
  PendingResume,
  type ReadOperation,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { eventually } from "@sansio/runtime-api/conformance";
import { CONNECTION_PREFACE, type Frame, readFrame } from "../src/frame/index.js";
import { headersFrames, settingsAckFrame, settingsFrame } from "../src/frame/serialize.js";
import { HpackDecoder, HpackEncoder } from "../src/index.js";

/** A frame as the scripted peer saw it, with header blocks decoded. */
export type SeenFrame = Frame & { readonly headers?: string[] };

/**
 * The far end of a connection, scripted by a test: it sends exactly the frames the test writes (valid or
 * not) and records every frame it receives, header blocks decoded with its own HPACK decoder. Used to
 * check the protocol rules ("send these frames, expect those") against our client or server.
 */
export class ScriptedPeer implements Connection {
  readonly frames: SeenFrame[] = [];
  readonly encoder = new HpackEncoder();
  readonly decoder = new HpackDecoder({ maxHeaderListSize: 1 << 20 });
  readonly #out = new OutputQueue({ highWaterMark: Number.MAX_SAFE_INTEGER, gatherBelow: 0 });
  readonly #reader = new PendingResume();
  #eof = false;
  #prefaceLeft: number;

  /** `role`: the role this peer plays; a "client" peer sends the preface and its SETTINGS first. */
  constructor(
    role: "client" | "server",
    options: { autoAckSettings?: boolean; sendSettings?: boolean; sendPreface?: boolean } = {},
  ) {
    this.#prefaceLeft = role === "server" ? CONNECTION_PREFACE.length : 0;
    this.autoAck = options.autoAckSettings ?? true;
    if (role === "client" && (options.sendPreface ?? true)) this.send(CONNECTION_PREFACE);
    if (options.sendSettings ?? true) this.send(settingsFrame([]));
  }

  /** Acknowledge the other side's SETTINGS automatically. */
  autoAck: boolean;

  /** True once the other side closed the connection. */
  get closed(): boolean {
    return this.#eof;
  }

  /** Sends raw bytes (one or more frames, or garbage). */
  send(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) this.#out.write(chunk);
  }

  /** Sends a header block as HEADERS (+ CONTINUATION) frames. */
  sendHeaders(streamId: number, fields: string[], endStream: boolean, maxFrameSize = 16384): void {
    this.send(...headersFrames(streamId, this.encoder.encode(fields), endStream, maxFrameSize));
  }

  /** Frames of one type received so far. */
  ofType<T extends SeenFrame["type"]>(type: T): Extract<SeenFrame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<SeenFrame, { type: T }>[];
  }

  /** Waits until a received frame matches `predicate` (bounded in time); returns it. */
  async waitFor(predicate: (frame: SeenFrame) => boolean, what = "a frame"): Promise<SeenFrame> {
    const find = (): SeenFrame | undefined => this.frames.find(predicate);
    try {
      await eventually(() => find() !== undefined, 5000, what);
    } catch (error) {
      throw new Error(`${(error as Error).message}; received: ${this.frames.map((f) => f.type).join(", ")}`);
    }
    return find() as SeenFrame;
  }

  /** Waits until the other side closed the connection. */
  async waitClosed(): Promise<void> {
    await eventually(() => this.#eof, 5000, "the other side closes the connection");
  }

  // ---- Connection ----

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    let at = offset;
    const end = offset + length;
    if (this.#prefaceLeft > 0) {
      const n = Math.min(this.#prefaceLeft, length);
      this.#prefaceLeft -= n;
      at += n;
    }
    for (;;) {
      const result = readFrame(buffer, at, end, 1 << 24);
      if (result.kind !== "frame") {
        if (result.kind === "error") throw result.error;
        break;
      }
      at += result.size;
      this.#record(result.frame);
    }
    return at - offset;
  }

  #record(frame: Frame): void {
    if (frame.type === "headers") {
      this.frames.push({
        ...frame,
        fragment: frame.fragment.slice(),
        headers: this.decoder.decode(frame.fragment).headers,
      });
      return;
    }
    if (frame.type === "settings" && !frame.ack && this.autoAck) this.send(settingsAckFrame());
    const copy = Object.fromEntries(
      Object.entries(frame).map(([k, v]) => [k, v instanceof Uint8Array ? v.slice() : v]),
    ) as unknown as SeenFrame;
    this.frames.push(copy);
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const n = this.read(buffer, offset, length);
    this.#eof = true;
    this.#out.end();
    return n;
  }

  yieldReader(resume: () => void): void {
    this.#reader.register(resume);
  }

  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }

  reportWriteResult(result: WriteResult): void {
    this.#out.reportWriteResult(result);
  }

  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }

  reportError(): void {
    this.#eof = true;
    this.#out.discard();
  }

  isClosed(): boolean {
    return this.#eof && this.#out.state !== "open";
  }

  shutdown(): void {
    this.#out.end();
  }
}
