/** Base class of every error sansio raises; `name` is stable and safe to switch on. */
export class SansioError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The protocol consumed nothing from a read buffer that has reached `maxReadBufferSize`. */
export class ReadBufferOverflowError extends SansioError {
  override readonly name = "ReadBufferOverflowError";
  constructor(
    /** The configured limit, in bytes. */
    readonly limit: number,
  ) {
    super(`read buffer overflow: the protocol consumed nothing from ${limit} buffered bytes (maxReadBufferSize)`);
  }
}

/** The connection was closed (locally, or it had already finished) while work was outstanding. */
export class ConnectionClosedError extends SansioError {
  override readonly name = "ConnectionClosedError";
}

/** The runtime reported an I/O failure (reset, broken pipe, refused connect...); the runtime's error is `cause`. */
export class ConnectionLostError extends SansioError {
  override readonly name = "ConnectionLostError";
  /** The runtime's error code when it has one (e.g. `ECONNRESET`, `ConnectionRefused`). */
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.code = options?.code;
  }
}

/** A timeout elapsed (`idleTimeout`, a connect timeout, a listener drain). */
export class TimeoutError extends SansioError {
  override readonly name = "TimeoutError";
}

/** An `AbortSignal` stopped the operation; the signal's reason is `cause`. */
export class AbortedError extends SansioError {
  override readonly name = "AbortedError";
}

/** The runtime cannot do what was asked (e.g. accept TCP on Workers). The message says what and why. */
export class UnsupportedError extends SansioError {
  override readonly name = "UnsupportedError";
}

/**
 * Deno's I/O error classes (`Deno.errors.*`) by the errno name Node and Bun give the same failure, so a
 * `code` means the same on every runtime.
 */
const DENO_ERROR_CODES: Readonly<Record<string, string>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  BrokenPipe: "EPIPE",
  TimedOut: "ETIMEDOUT",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  PermissionDenied: "EACCES",
  NotFound: "ENOENT",
};

/**
 * Error code of a runtime error, the same on every runtime: `err.code` on Node and Bun, Deno's error
 * class names mapped to the errno name (`ConnectionReset` → `ECONNRESET`), other names as they are.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  const name = (error as { name?: unknown }).name;
  if (typeof name !== "string" || name === "Error") return undefined;
  return DENO_ERROR_CODES[name] ?? name;
}

/**
 * The code of a refused TLS handshake whose reason the runtime does not tell (workerd: "internal
 * error"). Where the reason is known, the code names it (see {@link lostCode}).
 */
export const TLS_HANDSHAKE_REFUSED = "ERR_TLS_HANDSHAKE";

/**
 * One code per reason a TLS handshake is refused, whatever the runtime says: OpenSSL's many names for
 * an untrusted chain (Node, Bun), rustls' `invalid peer certificate: ...` messages (Deno), and the
 * errors of a peer that does not speak TLS at all.
 */
const TLS_CODES: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "CERT_UNTRUSTED",
  DEPTH_ZERO_SELF_SIGNED_CERT: "CERT_UNTRUSTED",
  SELF_SIGNED_CERT_IN_CHAIN: "CERT_UNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT: "CERT_UNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "CERT_UNTRUSTED",
  CERT_UNTRUSTED: "CERT_UNTRUSTED",
  ERR_TLS_CERT_ALTNAME_INVALID: "ERR_TLS_CERT_ALTNAME_INVALID",
  CERT_HAS_EXPIRED: "CERT_HAS_EXPIRED",
  CERT_NOT_YET_VALID: "CERT_NOT_YET_VALID",
  ERR_SSL_WRONG_VERSION_NUMBER: "EPROTO",
  ERR_SSL_PACKET_LENGTH_TOO_LONG: "EPROTO",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "EPROTO",
  ERR_SSL_HTTP_REQUEST: "EPROTO",
  EPROTO: "EPROTO",
};

/** rustls' (Deno's) messages for the same reasons (its errors are all `InvalidData`). */
const TLS_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/UnknownIssuer|BadSignature|UnknownCA|self[- ]signed/i, "CERT_UNTRUSTED"],
  [/NotValidForName|not valid for name/i, "ERR_TLS_CERT_ALTNAME_INVALID"],
  [/\bExpired\b|certificate expired/i, "CERT_HAS_EXPIRED"],
  [/NotValidYet|not valid yet/i, "CERT_NOT_YET_VALID"],
  [
    /corrupt message|InvalidContentType|wrong version number|packet length too long|bad ?record ?mac|DecryptError|cannot decrypt/i,
    "EPROTO",
  ],
];

/**
 * The `code` of a connection lost to the peer: {@link errorCode}, with two normalisations so the same
 * failure has the same code on every runtime:
 * - a broken pipe counts as a reset. The driver never writes after its own FIN, so `EPIPE` means the
 *   peer reset the connection and another call (a read, or an earlier write) consumed the
 *   `ECONNRESET`: which call sees which is kernel timing, and the protocol must not see a difference;
 * - a refused TLS handshake has one code per reason: `CERT_UNTRUSTED` (unknown CA, self-signed,
 *   incomplete chain), `ERR_TLS_CERT_ALTNAME_INVALID` (wrong host name), `CERT_HAS_EXPIRED`,
 *   `CERT_NOT_YET_VALID`, and `EPROTO` (the peer does not speak TLS, or a record fails mid-stream).
 */
export function lostCode(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code === "EPIPE") return "ECONNRESET";
  const tls = code === undefined ? undefined : TLS_CODES[code];
  if (tls !== undefined) return tls;
  if (error instanceof Error && (code === undefined || code === "InvalidData" || code.startsWith("ERR_SSL"))) {
    for (const [pattern, name] of TLS_MESSAGES) if (pattern.test(error.message)) return name;
  }
  // Any other failure of OpenSSL's record layer (a corrupt or forged record mid-stream) is a protocol error.
  return code?.startsWith("ERR_SSL_") ? "EPROTO" : code;
}

/** Wraps a runtime I/O error as a {@link ConnectionLostError} (code from {@link lostCode}), keeping sansio errors as they are. */
export function toConnectionLost(error: unknown, what: string): SansioError {
  if (error instanceof SansioError) return error;
  const code = lostCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectionLostError(`${what}: ${detail}`, { cause: error, code });
}
