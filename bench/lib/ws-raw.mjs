// The few bytes of WebSocket (RFC 6455) the bench's raw-socket clients need: the upgrade request, client
// frames masked once up front (the load generator writes the same masked bytes again and again, so
// masking costs it nothing per message), and a counter of the server's (unmasked) frames.
// No extensions are offered, so every server answers without permessage-deflate.

/** The upgrade request for `path` (a fixed, valid Sec-WebSocket-Key: the server's accept value is not checked). */
export function upgradeRequest(host, path = "/") {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    "latin1",
  );
}

/** Where the 101 answer's head ends in `text` (latin1), or -1; throws for any other answer. */
export function upgradeHeadEnd(text) {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return -1;
  if (!text.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${JSON.stringify(text.slice(0, 200))}`);
  return end + 4;
}

const MASK = [0x37, 0xfa, 0x21, 0x3d];

/** One masked client frame (FIN set) of `opcode` carrying `payload`. */
export function maskedFrame(opcode, payload) {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const head = 2 + lengthBytes + 4;
  const bytes = Buffer.alloc(head + length);
  bytes[0] = 0x80 | opcode;
  if (lengthBytes === 0) bytes[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    bytes[1] = 0x80 | 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 0x80 | 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.set(MASK, head - 4);
  for (let i = 0; i < length; i++) bytes[head + i] = payload[i] ^ MASK[i & 3];
  return bytes;
}

/** `count` binary frames of `size` bytes each, masked, back to back in one buffer. */
export function maskedBinaryFrames(size, count) {
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 0xff;
  const one = maskedFrame(0x2, payload);
  return { bytes: Buffer.concat(Array.from({ length: count }, () => one)), frameLength: one.length };
}

/** A masked close frame with code 1000. */
export const CLOSE_FRAME = maskedFrame(0x8, Buffer.from([0x03, 0xe8]));

/**
 * Counts whole server frames across chunk boundaries without copying payloads: `push(chunk)` returns
 * how many data frames (opcodes 0-2 with FIN) ended in it; control frames are skipped. With
 * `expectedLength`, a data frame of another length throws (an echo must not be counted unless it is
 * the message sent, unfragmented).
 */
export function frameCounter(expectedLength) {
  let header = Buffer.alloc(0); // an incomplete frame header carried over
  let skip = 0; // payload bytes of the current frame still to come
  let finalData = false;
  return (chunk) => {
    let done = 0;
    let at = 0;
    while (at < chunk.length) {
      if (skip > 0) {
        const take = Math.min(skip, chunk.length - at);
        skip -= take;
        at += take;
        if (skip === 0 && finalData) done++;
        continue;
      }
      let bytes = chunk;
      let start = at;
      if (header.length > 0) {
        bytes = Buffer.concat([header, chunk.subarray(at, at + 14)]);
        start = 0;
      }
      const available = bytes.length - start;
      if (available < 2) {
        header = Buffer.from(bytes.subarray(start));
        return done;
      }
      const short = bytes[start + 1] & 0x7f;
      const headLength = short < 126 ? 2 : short === 126 ? 4 : 10;
      if (available < headLength) {
        header = Buffer.from(bytes.subarray(start, start + available));
        at = chunk.length;
        break;
      }
      const length =
        short < 126 ? short : short === 126 ? bytes.readUInt16BE(start + 2) : Number(bytes.readBigUInt64BE(start + 2));
      const opcode = bytes[start] & 0x0f;
      finalData = (bytes[start] & 0x80) !== 0 && opcode <= 2;
      if (expectedLength !== undefined && opcode <= 2 && (!finalData || length !== expectedLength))
        throw new Error(`echo of ${length} bytes (opcode ${opcode}), expected one frame of ${expectedLength}`);
      // Bytes of this chunk the header used: all of it minus what came from the carried-over part.
      at += headLength - header.length;
      header = Buffer.alloc(0);
      skip = length;
      if (skip === 0 && finalData) done++;
    }
    return done;
  };
}
