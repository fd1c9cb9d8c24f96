import { ReadBufferOverflowError } from "../errors.js";
import type { ReadBuffer } from "../read-buffer.js";
import type { PumpHost, PumpState } from "./pump-host.js";

/**
 * The read side of a driver: offers buffered bytes to the connection until it yields, closes or wants
 * more, then asks the transport for input. Unconsumed bytes are always offered again before the
 * transport is asked; a full buffer the protocol will not consume fails with `ReadBufferOverflowError`.
 */
export class ReadPump {
  state: PumpState = "idle";
  readonly #host: PumpHost;
  readonly #buffer: ReadBuffer;
  /** The peer's FIN arrived: what is buffered goes to `readEof`. */
  #eof = false;
  /** The last `readEof` consumed nothing: asked once more with nothing buffered, the read side ends. */
  #eofIdle = false;
  /** A pushed chunk is being delivered (`data()` is on the stack): the transport is reading already. */
  #pushing = false;
  /** The pump stopped the push transport during the current delivery: it must be restarted, not assumed. */
  #stoppedWhilePushing = false;
  /** A pull read is to be posted once the pump's turn (and the resumes it caused) is over. */
  #pullDue = false;

  constructor(host: PumpHost, buffer: ReadBuffer) {
    this.#host = host;
    this.#buffer = buffer;
  }

  /** Push transports: a chunk arrived. The buffer keeps nothing of it once this returns. */
  data(chunk: Uint8Array): void {
    if (this.state === "done") return;
    const host = this.#host;
    host.time.touch();
    host.counters.bytesIn += chunk.length;
    host.counters.reads++;
    const buffer = this.#buffer;
    buffer.adopt(chunk);
    if (this.state === "io") this.state = "idle";
    this.#stoppedWhilePushing = false;
    this.#pushing = true;
    this.run();
    this.#pushing = false;
    buffer.settle();
    if (this.state !== "idle" && this.state !== "running" && buffer.length >= buffer.maxSize) {
      this.#host.transport.readStop();
    }
  }

  /** Pull transports: `n` bytes were read into the buffer's free space. */
  filled(n: number): void {
    if (this.state === "done") return;
    const host = this.#host;
    host.time.touch();
    host.counters.bytesIn += n;
    host.counters.reads++;
    this.#buffer.commit(n);
    if (this.state === "io") this.state = "idle";
    this.run();
  }

  /** The peer finished sending. */
  eof(): void {
    if (this.state === "done" || this.#eof) return;
    this.#eof = true;
    this.#host.halfClosed("in");
    if (this.state === "io") this.state = "idle";
    this.run();
  }

  /** The connection's resume ran: ask it again. */
  resume(): void {
    if (this.state !== "yielded") return;
    this.state = "idle";
    this.run();
  }

  /**
   * Asked again without new input (after `shutdown()` or `handleTimeout`): a push transport waiting for
   * input is asked now; a pull read in flight asks when it lands.
   */
  nudge(): void {
    if (this.state === "io" && !this.#host.transport.pull) this.state = "idle";
    this.run();
  }

  /** Runs the loop if the side is idle and the driver running. */
  run(): void {
    const host = this.#host;
    if (this.state !== "idle" || !host.running) return;
    this.state = "running";
    const resumes = host.resumes;
    resumes.enter();
    try {
      this.#loop();
    } catch (error) {
      if (this.state === "running") this.state = "idle";
      host.fail(error);
    }
    resumes.leave();
    if (this.#pullDue) this.#startPull();
  }

  /** Posts the pull read the loop asked for, unless the driver moved on meanwhile. */
  #startPull(): void {
    this.#pullDue = false;
    if (this.state === "io" && this.#host.running) this.#host.transport.readStart();
  }

  #loop(): void {
    const host = this.#host;
    const connection = host.connection;
    const transport = host.transport;
    const buffer = this.#buffer;
    for (;;) {
      const op = connection.nextReadOperation();
      if (op === "read") {
        if (this.#eof) {
          if (this.#eofIdle && buffer.length === 0) break;
          const n = connection.readEof(buffer.bytes, buffer.start, buffer.length);
          buffer.consume(n);
          this.#eofIdle = n === 0;
          // Nothing more can arrive and the protocol will not take what is left.
          if (n === 0 && buffer.length > 0) break;
          continue;
        }
        if (buffer.length > 0) {
          const n = connection.read(buffer.bytes, buffer.start, buffer.length);
          buffer.consume(n);
          if (n > 0) continue;
          if (buffer.length >= buffer.maxSize) {
            this.state = "idle";
            host.fail(new ReadBufferOverflowError(buffer.maxSize));
            return;
          }
        }
        this.state = "io";
        if (transport.pull) {
          // Posted once the turn is over and the resumes it caused have run: a reply the connection
          // just produced leaves before the next read is posted (workerd: +30% round trips/s).
          this.#pullDue = true;
        } else if (!this.#pushing || this.#stoppedWhilePushing) {
          // A push transport delivering this chunk keeps delivering, unless the pump stopped it meanwhile.
          this.#stoppedWhilePushing = false;
          transport.readStart();
        }
        return;
      }
      if (op === "yield") {
        this.#eofIdle = false;
        this.state = "yielded";
        if (!transport.pull) {
          transport.readStop();
          if (this.#pushing) this.#stoppedWhilePushing = true;
        }
        connection.yieldReader(host.resumes.resumer("read"));
        return;
      }
      if (op === "close") break;
      throw new TypeError(`nextReadOperation returned ${String(op)}`);
    }
    // The read side is finished.
    this.state = "done";
    transport.readStop();
    host.sideDone();
  }
}
