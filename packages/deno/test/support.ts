// Helpers shared by the Deno adapter tests: certificates, test protocols, bounded waits.
import type { Address, Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";

/** PEM certificates for the TLS tests: a CA, and a leaf for 127.0.0.1 / localhost signed by it. */
export interface TestCertificates {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

let certificates: Promise<TestCertificates> | undefined;

/**
 * The PEMs in `SANSIO_TLS_DIR` (ca.pem, cert.pem, key.pem) when set, else fresh ones from the repo's
 * tests/support/certs.mjs (pure JavaScript; no openssl needed).
 */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= loadCertificates();
  return certificates;
}

async function loadCertificates(): Promise<TestCertificates> {
  const dir = Deno.env.get("SANSIO_TLS_DIR");
  if (dir) {
    const read = (name: string): Promise<string> => Deno.readTextFile(`${dir}/${name}`);
    return { ca: await read("ca.pem"), cert: await read("cert.pem"), key: await read("key.pem") };
  }
  const helper = new URL("../../../tests/support/certs.mjs", import.meta.url).href;
  const { generateTestCertificates } = (await import(helper)) as {
    generateTestCertificates(): Promise<TestCertificates>;
  };
  return await generateTestCertificates();
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes. */
export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** `length` bytes of a repeating, position-dependent pattern (so reordering or loss shows). */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >>> 8)) & 0xff;
  return out;
}

/** Resolves with `promise`, or rejects after `ms` so a broken adapter fails the test instead of hanging it. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** How a {@link Script} behaves. */
export interface ScriptOptions {
  /** Half-close once `send` is written, instead of waiting for the peer's EOF. Default true. */
  readonly halfClose?: boolean;
  /** Write `send` only after the peer's EOF arrived. Default false. */
  readonly waitForEof?: boolean;
  /** Read input; false yields the reader until an error (or shutdown). Default true. */
  readonly consume?: boolean;
  /** Ignore `shutdown()` (a connection that never finishes by itself). Default false. */
  readonly ignoreShutdown?: boolean;
}

/**
 * A scripted connection: writes `send`, reads everything until EOF into `received`, records errors,
 * and closes its output once `send` is written and the peer's EOF arrived (or at once with `halfClose`).
 */
export class Script implements Connection {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  readonly eofSeen = deferred();
  #received: Uint8Array[] = [];
  #send: Uint8Array;
  readonly #halfClose: boolean;
  readonly #waitForEof: boolean;
  readonly #consume: boolean;
  readonly #ignoreShutdown: boolean;
  #eof = false;
  #writeClosed = false;
  #writeResume: (() => void) | undefined;
  #readResume: (() => void) | undefined;
  #shutdown = false;

  constructor(send: Uint8Array, options: ScriptOptions = {}) {
    this.#send = send;
    this.#halfClose = options.halfClose ?? true;
    this.#waitForEof = options.waitForEof ?? false;
    this.#consume = options.consume ?? true;
    this.#ignoreShutdown = options.ignoreShutdown ?? false;
  }

  /** Everything read so far. */
  get received(): string {
    return this.#received.map(text).join("");
  }

  /** Total bytes read so far. */
  get receivedBytes(): number {
    let n = 0;
    for (const part of this.#received) n += part.length;
    return n;
  }

  nextReadOperation(): ReadOperation {
    if (this.#eof || this.#shutdown || this.errors.length > 0) return "close";
    return this.#consume ? "read" : "yield";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#received.push(buffer.slice(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (length > 0) this.#received.push(buffer.slice(offset, offset + length));
    this.#eof = true;
    this.eofSeen.resolve();
    this.#wake();
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed || this.errors.length > 0) return { kind: "close" };
    if (this.#waitForEof && !this.#eof) return { kind: "yield" };
    if (this.#send.length > 0) return { kind: "write", iovecs: [this.#send] };
    if (this.#halfClose || this.#shutdown || this.#eof) return { kind: "close" };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") this.#writeClosed = true;
    else this.#send = this.#send.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#wake();
  }
  isClosed(): boolean {
    return (this.#eof || this.errors.length > 0) && (this.#writeClosed || this.#send.length === 0);
  }
  shutdown(): void {
    if (this.#ignoreShutdown) return;
    this.#shutdown = true;
    this.#wake();
  }

  #wake(): void {
    const write = this.#writeResume;
    this.#writeResume = undefined;
    write?.();
    const read = this.#readResume;
    this.#readResume = undefined;
    read?.();
  }
}

/** The TCP port a listener is bound to (throws for a unix listener). */
export function portOf(listener: { readonly address: Address }): number {
  const address = listener.address;
  if (address.transport !== "tcp") throw new Error(`expected a TCP listener, got ${address.transport}`);
  return address.port;
}
