import type { Http2ProtocolError } from "../frame/errors.js";
import { ReceiveWindow, SendWindow } from "../state/flow.js";
import type { StreamState } from "../state/stream-state.js";
import type { Http2Body } from "./body.js";
import { OutgoingData } from "./outgoing.js";

/** What the client or server layer does with one stream's messages (the session does the framing). */
export interface StreamListener {
  /**
   * A complete header list arrived (headers, interim headers or trailers; `endStream` when it ends the
   * peer's side). Returns a stream error when the message is malformed.
   */
  headers(fields: string[], endStream: boolean): Http2ProtocolError | null;
  /** The header list was larger than our SETTINGS_MAX_HEADER_LIST_SIZE (already decoded, and dropped). */
  headersTooLarge(): void;
  /** The stream failed (reset by either side, or the connection ended): settle what waits on it. */
  failed(error: Error): void;
  /** Both sides are done and the stream is closed normally. */
  closed(): void;
}

/** One stream: its state, its windows, what it has to send and the body it is receiving. */
export class Http2Stream {
  state: StreamState = "idle";
  sendWindow: SendWindow;
  receiveWindow: ReceiveWindow;
  readonly outgoing: OutgoingData;
  /** The body being received, once its headers came. */
  body: Http2Body | null = null;
  /** Content-length of the message being received, if it had one. */
  expectedLength: number | null = null;
  /** DATA bytes received for the current message. */
  receivedLength = 0;
  /** Our HEADERS for this stream were sent. */
  headersSent = false;
  /** Our END_STREAM was sent. */
  endSent = false;
  /** The peer's END_STREAM arrived. */
  endReceived = false;
  /** We reset the stream: frames the peer had in flight are ignored (RFC 9113 §5.1, "closed"). */
  resetSent = false;

  constructor(
    /** The stream identifier (0 while a client request waits for a slot). */
    public id: number,
    readonly listener: StreamListener,
    sendWindow: number,
    receiveWindow: number,
    highWaterMark: number,
  ) {
    this.sendWindow = new SendWindow(sendWindow);
    this.receiveWindow = new ReceiveWindow(receiveWindow);
    this.outgoing = new OutgoingData(highWaterMark);
  }
}
