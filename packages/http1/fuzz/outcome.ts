/** One message a parser accepted completely: its start line's parts and its body bytes (Latin-1). */
export interface Message {
  /** Method and target of a request, or the status code of a response, e.g. `POST /a` or `200`. */
  readonly start: string;
  /** The decoded body, one character per byte. */
  readonly body: string;
  /** The sender lets the connection carry another message after this one. */
  readonly keepAlive: boolean;
}

/**
 * What one parser made of a case's bytes: the messages it accepted, in order, and how the input
 * ended — `ok` (all of it understood, or the rest ignored after a message that closes the
 * connection), `rejected` (a parse error; `reason` says which), or `incomplete` (the input ended in
 * the middle of a message). `skipped` marks a case one side cannot compare (an upgrade).
 */
export interface Outcome {
  readonly messages: readonly Message[];
  readonly end: "ok" | "rejected" | "incomplete" | "skipped";
  readonly reason: string;
}

/** Cuts an outcome at its first message that closes the connection: bytes after it are never read. */
export function upToClose(messages: readonly Message[]): readonly Message[] {
  const last = messages.findIndex((m) => !m.keepAlive);
  return last < 0 ? messages : messages.slice(0, last + 1);
}

/** Latin-1 text of bytes, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}
