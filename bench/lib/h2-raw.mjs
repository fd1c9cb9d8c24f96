// The few bytes of HTTP/2 (RFC 9113) a raw-socket client needs to open an h2c connection and make one
// GET: the preface with empty SETTINGS, a SETTINGS acknowledgement, and the request's HEADERS frame,
// whose header block uses HPACK's static table only. Built once; the idle-connection client of the
// memory rows writes them as they are.

const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 };
const FLAG = { END_STREAM: 1, ACK: 1, END_HEADERS: 4 };

function frame(type, flags, streamId, payload) {
  const bytes = Buffer.alloc(9 + payload.length);
  bytes.writeUIntBE(payload.length, 0, 3);
  bytes[3] = type;
  bytes[4] = flags;
  bytes.writeUInt32BE(streamId, 5);
  bytes.set(payload, 9);
  return bytes;
}

/** The client preface, empty SETTINGS, and `GET /` on stream 1 (HPACK: :method GET, :path /, :scheme http, :authority). */
export function h2cGetBytes(authority) {
  const block = Buffer.concat([
    Buffer.from([0x82, 0x84, 0x86, 0x41, authority.length]),
    Buffer.from(authority, "latin1"),
  ]);
  return Buffer.concat([
    Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1"),
    frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0)),
    frame(FRAME.HEADERS, FLAG.END_STREAM | FLAG.END_HEADERS, 1, block),
  ]);
}

/** SETTINGS with the ACK flag (a server's SETTINGS must be acknowledged, or it times out). */
export const SETTINGS_ACK = frame(FRAME.SETTINGS, FLAG.ACK, 0, Buffer.alloc(0));

/**
 * A frame reader for the client side of one connection: `push(chunk)` reports through the callbacks
 * `settings()` for each SETTINGS to acknowledge, `done()` once stream 1 ended, `fail(message)` for
 * RST_STREAM or GOAWAY.
 */
export function h2FrameReader({ settings, done, fail }) {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) break;
      const type = buffered[3];
      const flags = buffered[4];
      const streamId = buffered.readUInt32BE(5) & 0x7fffffff;
      buffered = buffered.subarray(9 + length);
      if (type === FRAME.SETTINGS && (flags & FLAG.ACK) === 0) settings();
      else if (type === FRAME.RST_STREAM || type === FRAME.GOAWAY) fail(`frame type ${type} on stream ${streamId}`);
      else if ((type === FRAME.DATA || type === FRAME.HEADERS) && streamId === 1 && flags & FLAG.END_STREAM) done();
    }
  };
}
