import type { ByteSink } from "./connection-output.js";
import type { BodyFraming } from "./framing.js";
import { CRLF_BYTES, chunkSizeLine, LAST_CHUNK } from "./head-encoder.js";

/**
 * Frames an outgoing message body: counts a Content-Length down (refusing bytes past it), wraps each
 * chunk of a chunked body, drops the body of a message that has none, or passes bytes through (a body
 * delimited by closing the connection).
 */
export class BodyEncoder {
  #framing: BodyFraming = "none";
  #remaining = 0;

  /** Starts a body; `length` is its Content-Length when `framing` is "length". */
  start(framing: BodyFraming, length = 0): void {
    this.#framing = framing;
    this.#remaining = framing === "length" ? length : 0;
  }

  /** Sends `bytes` framed to `sink`. Throws RangeError when they run past the Content-Length. */
  write(sink: ByteSink, bytes: Uint8Array): void {
    const length = bytes.length;
    if (length === 0) return;
    switch (this.#framing) {
      case "none":
        return;
      case "length":
        if (length > this.#remaining) {
          throw new RangeError(`${length} body bytes exceed the remaining Content-Length (${this.#remaining})`);
        }
        this.#remaining -= length;
        sink.send(bytes);
        return;
      case "chunked":
        sink.send(chunkSizeLine(length));
        sink.send(bytes);
        sink.send(CRLF_BYTES);
        return;
      default:
        sink.send(bytes);
    }
  }

  /** Ends the body (the last chunk of a chunked body). Returns the bytes the Content-Length still wants (0: complete). */
  end(sink: ByteSink): number {
    if (this.#framing === "chunked") sink.send(LAST_CHUNK);
    return this.#remaining;
  }
}
