import { type Connection, ConnectionClosedError } from "@sansio/runtime-api";
import { BodyEncoder } from "./body-encoder.js";
import type { ByteSink } from "./connection-output.js";
import { type DeclaredFraming, responseHasNoBody, streamedResponseFraming } from "./framing.js";
import {
  CHUNKED_HEADER,
  CONNECTION_CLOSE,
  CONNECTION_KEEP_ALIVE,
  CONNECTION_UPGRADE,
  CRLF_BYTES,
  currentDateLine,
  putBytes,
  putContentLength,
  putFields,
  statusLine,
  utf8,
} from "./head-encoder.js";
import { type HeaderList, type HeadersInit, toHeaderList } from "./headers.js";
import type { HttpVersion } from "./message.js";
import {
  CONNECTION_CLOSE_FLAG,
  CONNECTION_UPGRADE_FLAG,
  HAS_CONTENT_LENGTH,
  HAS_DATE,
  HAS_TRANSFER_ENCODING,
  scanHeaders,
} from "./response-headers.js";
import type { ResponseBody, ResponseWriter } from "./server-types.js";
import { handledRejection, isStreamBody, READY } from "./write-helpers.js";

/** What a {@link ServerResponse} needs from its connection; `send` queues bytes to send (by reference). */
export interface ResponseChannel extends ByteSink {
  /** Whether to send `Date`. */
  readonly sendDate: boolean;
  /** Whether someone observes response heads ({@link observeHead} is then called before each is sent). */
  readonly observing: boolean;
  /** A response head is about to be sent: `head` is its encoding (valid during the call only). */
  observeHead(status: number, headers: HeaderList, head: Uint8Array): void;
  /** Whether the connection may stay open after this exchange, as far as the connection knows. */
  keepAliveAllowed(): boolean;
  /** True when the request body has been received completely (or there was none). */
  requestBodyComplete(): boolean;
  /** Memory of at least `size` bytes to build a head in, valid until handed to `send`. */
  headBuffer(size: number): Uint8Array;
  /** Resolves when queued output is below the high-water mark. */
  writeReady(): Promise<void>;
  /** Sends `100 Continue` if the client waits for it (a streamed response may read the body as it goes). */
  solicitBody(): void;
  /** The response is complete; `next` says whether the connection may carry another exchange. */
  responseFinished(next: AfterResponse): void;
  /** The response began but cannot complete: flush what was queued, then close. */
  responseFailed(error: unknown): void;
  /** Hands the socket to `next` after the queued 101 response. Throws when the connection cannot upgrade. */
  upgradeTo(next: Connection | (() => Connection)): void;
}

/** Whether the connection may carry another exchange once a response is complete. */
export type AfterResponse = "keep-alive" | "close";

/**
 * Where a response is:
 * - `idle`: nothing sent yet;
 * - `streaming`: the head was sent, the body is being written;
 * - `finished`: complete (or handed to another protocol by `upgrade`);
 * - `taken`: the connection answered instead (an error response) or is gone: the handler's calls are ignored.
 */
type ResponseState = "idle" | "streaming" | "finished" | "taken";

/** Bodies up to this size are copied behind the head, so the whole response is one iovec. */
const INLINE_BODY_MAX = 16 * 1024;
/** Room for the headers the connection adds (Date, Content-Length, Connection, Transfer-Encoding). */
const ADDED_HEADERS_ROOM = 160;

const stringScratch = new Uint8Array(INLINE_BODY_MAX);
const encoder = new TextEncoder();

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 200 || status > 999) {
    throw new RangeError(`invalid response status ${status} (200-999; 101 is sent by upgrade())`);
  }
}

/** The {@link ResponseWriter} handed to a handler: builds the head and frames the body for one exchange. */
export class ServerResponse implements ResponseWriter {
  readonly #channel: ResponseChannel;
  readonly #requestMethod: string;
  readonly #clientVersion: HttpVersion;
  #state: ResponseState = "idle";
  #aborted = false;
  /** The streamed body's framing: made by {@link writeHead} (a complete `respond` needs none). */
  #body: BodyEncoder | null = null;
  #keepAlive = true;

  /** A response to a request with `requestMethod` from a client speaking `requestVersion`. */
  constructor(channel: ResponseChannel, requestMethod: string, requestVersion: HttpVersion) {
    this.#channel = channel;
    this.#requestMethod = requestMethod;
    this.#clientVersion = requestVersion;
  }

  get headersSent(): boolean {
    return this.#state !== "idle";
  }

  get finished(): boolean {
    return this.#state === "finished" || this.#state === "taken";
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** The connection is gone: later calls are ignored and writes reject. */
  abort(): void {
    this.#aborted = true;
    if (this.#state === "idle" || this.#state === "streaming") this.#state = "taken";
  }

  /** The connection answers instead of the handler (an error response); the handler's calls are then ignored. */
  takeOver(status: number, headers: HeadersInit | undefined, body: string | Uint8Array): void {
    if (this.#state !== "idle") return;
    this.#respond(status, toHeaderList(headers), body);
    this.#state = "taken";
  }

  respond(status: number, headers?: HeadersInit, body?: ResponseBody): void {
    if (this.#state === "taken") return;
    if (this.#state !== "idle") throw new Error("the response was already started");
    if (isStreamBody(body)) {
      this.writeHead(status, headers);
      void this.#pipe(body);
      return;
    }
    this.#respond(status, toHeaderList(headers), body ?? null);
  }

  writeHead(status: number, headers?: HeadersInit): void {
    if (this.#state === "taken") return;
    if (this.#state !== "idle") throw new Error("the response was already started");
    checkStatus(status);
    const list = toHeaderList(headers);
    const scan = scanHeaders(list);
    const flags = scan.flags;
    this.#channel.solicitBody();
    const declared: DeclaredFraming =
      flags & HAS_CONTENT_LENGTH ? "content-length" : flags & HAS_TRANSFER_ENCODING ? "chunked" : "none";
    const framing = streamedResponseFraming(this.#requestMethod, status, declared, this.#clientVersion);
    const addChunked = framing === "chunked" && declared === "none";
    const keepAlive = framing !== "close" && this.#channel.keepAliveAllowed() && (flags & CONNECTION_CLOSE_FLAG) === 0;
    const channel = this.#channel;
    const buffer = channel.headBuffer(statusLine(status).length + scan.size + ADDED_HEADERS_ROOM);
    let pos = this.#putHead(buffer, status, list, flags, keepAlive);
    if (addChunked) pos = putBytes(buffer, pos, CHUNKED_HEADER);
    pos = putBytes(buffer, pos, CRLF_BYTES);
    const body = new BodyEncoder();
    body.start(framing, scan.contentLength);
    this.#body = body;
    this.#keepAlive = keepAlive;
    this.#state = "streaming";
    const head = buffer.subarray(0, pos);
    if (channel.observing) channel.observeHead(status, list, head);
    channel.send(head);
  }

  write(chunk: Uint8Array | string): Promise<void> {
    if (this.#state === "taken") {
      return this.#aborted ? handledRejection(new ConnectionClosedError("the connection is closed")) : READY;
    }
    if (this.#state === "idle") this.writeHead(200);
    else if (this.#state === "finished") throw new Error("write() after the response ended");
    this.#streamedBody().write(this.#channel, typeof chunk === "string" ? utf8(chunk) : chunk);
    return this.#channel.writeReady();
  }

  end(chunk?: Uint8Array | string): void {
    if (this.#state === "taken") return;
    if (this.#state === "finished") throw new Error("end() after the response ended");
    if (this.#state === "idle") {
      this.#respond(200, [], chunk ?? null);
      return;
    }
    const channel = this.#channel;
    const body = this.#streamedBody();
    if (chunk !== undefined) body.write(channel, typeof chunk === "string" ? utf8(chunk) : chunk);
    this.#state = "finished";
    const missing = body.end(channel);
    if (missing > 0) {
      channel.responseFailed(new Error(`the response ended ${missing} bytes short of its Content-Length`));
      return;
    }
    channel.responseFinished(this.#keepAlive ? "keep-alive" : "close");
  }

  upgrade(headers: HeadersInit, next: Connection | (() => Connection)): void {
    if (this.#state === "taken") return;
    if (this.#state !== "idle") throw new Error("the response was already started");
    const channel = this.#channel;
    if (!channel.requestBodyComplete()) throw new Error("upgrade(): the request body is not complete");
    const list = toHeaderList(headers);
    const scan = scanHeaders(list);
    const line = statusLine(101);
    const buffer = channel.headBuffer(line.length + scan.size + ADDED_HEADERS_ROOM);
    let pos = putBytes(buffer, 0, line);
    pos = putFields(buffer, pos, list);
    if ((scan.flags & CONNECTION_UPGRADE_FLAG) === 0) pos = putBytes(buffer, pos, CONNECTION_UPGRADE);
    pos = putBytes(buffer, pos, CRLF_BYTES);
    this.#state = "finished";
    const head = buffer.subarray(0, pos);
    if (channel.observing) channel.observeHead(101, list, head);
    channel.send(head);
    channel.upgradeTo(next);
  }

  /** The body encoder of a streaming response (writeHead made it). */
  #streamedBody(): BodyEncoder {
    const body = this.#body;
    if (body === null) throw new Error("the response head was not written");
    return body;
  }

  /** Writes the status line, the caller's fields, Date and Connection; returns the position. */
  #putHead(buffer: Uint8Array, status: number, list: HeaderList, flags: number, keepAlive: boolean): number {
    let pos = putBytes(buffer, 0, statusLine(status));
    pos = putFields(buffer, pos, list);
    if (this.#channel.sendDate && (flags & HAS_DATE) === 0) pos = putBytes(buffer, pos, currentDateLine());
    if (!keepAlive) {
      if ((flags & CONNECTION_CLOSE_FLAG) === 0) pos = putBytes(buffer, pos, CONNECTION_CLOSE);
    } else if (this.#clientVersion === "HTTP/1.0") pos = putBytes(buffer, pos, CONNECTION_KEEP_ALIVE);
    return pos;
  }

  #respond(status: number, list: HeaderList, body: Uint8Array | string | null): void {
    checkStatus(status);
    const scan = scanHeaders(list);
    const flags = scan.flags;
    if (flags & HAS_TRANSFER_ENCODING) throw new TypeError("Transfer-Encoding cannot be sent with a complete body");
    const channel = this.#channel;
    const noBody = responseHasNoBody(this.#requestMethod, status);
    // Encode a text body first: its byte length goes in the head.
    let bytes: Uint8Array | null = null;
    let length = 0;
    if (typeof body === "string") {
      if (body.length * 3 <= INLINE_BODY_MAX) {
        length = encoder.encodeInto(body, stringScratch).written;
        bytes = stringScratch;
      } else {
        bytes = encoder.encode(body);
        length = bytes.length;
      }
    } else if (body !== null) {
      bytes = body;
      length = body.length;
    }
    if ((status === 204 || status === 304) && length > 0) throw new TypeError(`a ${status} response has no body`);
    if (flags & HAS_CONTENT_LENGTH && scan.contentLength !== length && !(noBody && length === 0)) {
      throw new TypeError(`Content-Length ${scan.contentLength} does not match the body's ${length} bytes`);
    }
    const keepAlive = channel.keepAliveAllowed() && (flags & CONNECTION_CLOSE_FLAG) === 0;
    const inline = !noBody && length <= INLINE_BODY_MAX;
    const buffer = channel.headBuffer(
      statusLine(status).length + scan.size + ADDED_HEADERS_ROOM + (inline ? length : 0),
    );
    let pos = this.#putHead(buffer, status, list, flags, keepAlive);
    if ((flags & HAS_CONTENT_LENGTH) === 0 && status !== 204 && status !== 304) {
      pos = putContentLength(buffer, pos, length);
    }
    pos = putBytes(buffer, pos, CRLF_BYTES);
    if (channel.observing) channel.observeHead(status, list, buffer.subarray(0, pos));
    if (inline && bytes !== null && length > 0) {
      buffer.set(length === bytes.length ? bytes : bytes.subarray(0, length), pos);
      pos += length;
    }
    this.#state = "finished";
    channel.send(buffer.subarray(0, pos));
    if (!noBody && !inline && bytes !== null) channel.send(bytes);
    channel.responseFinished(keepAlive ? "keep-alive" : "close");
  }

  async #pipe(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of body) {
        if (this.#state !== "streaming") break;
        await this.write(chunk);
      }
      if (this.#state === "streaming") this.end();
    } catch (error) {
      if (this.#state === "streaming") {
        this.#state = "finished";
        this.#channel.responseFailed(error);
      }
    }
  }
}
