// The HTTP floor's whole work (bench/http/*.mjs `floor` and `adapter-floor`): count request heads by
// their blank line and answer each with the same canned bytes. No imports, so any runtime (and a
// bundled Worker) can use it.

/** The response body every HTTP server of the bench answers. */
export const HELLO_TEXT = "Hello, World!";
/** The content type of every answer. */
export const CONTENT_TYPE = "text/plain";

/**
 * The floor servers' whole answer: a canned keep-alive hello response,
 * written as it is for every request head (no Date header: nothing is computed per request).
 */
export const CANNED_HELLO = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: ${HELLO_TEXT.length}\r\n\r\n${HELLO_TEXT}`,
);

/**
 * Counts request heads in a byte stream by their blank line ("\r\n\r\n"), across chunk boundaries,
 * without parsing anything else: `count(chunk)` returns how many heads ended in `chunk`. This is all
 * the floor servers do per request (the floor a server on that socket API cannot go below).
 */
export function headCounter() {
  /** How many bytes of "\r\n\r\n" the bytes so far end with (0..3). */
  let matched = 0;
  return (chunk) => {
    let heads = 0;
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      if (matched === 0) {
        i = chunk.indexOf(13, i);
        if (i < 0) break;
      }
      const byte = chunk[i++];
      // The expected byte at position `matched` of CR LF CR LF is CR at 0 and 2, LF at 1 and 3.
      if (byte === ((matched & 1) === 0 ? 13 : 10)) {
        if (++matched === 4) {
          heads++;
          matched = 0;
        }
      } else matched = byte === 13 ? 1 : 0;
    }
    return heads;
  };
}

/** `heads` canned responses in one buffer (the answer to pipelined requests; one is {@link CANNED_HELLO} itself). */
export function cannedAnswers(heads) {
  if (heads === 1) return CANNED_HELLO;
  const out = new Uint8Array(heads * CANNED_HELLO.length);
  for (let i = 0; i < heads; i++) out.set(CANNED_HELLO, i * CANNED_HELLO.length);
  return out;
}
