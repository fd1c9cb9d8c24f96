import { ConnectionLostError, SansioError, TLS_HANDSHAKE_REFUSED } from "@sansio/runtime-api";
import { errorCode, lostCode } from "@sansio/runtime-api/adapter";

/**
 * workerd's socket errors carry no code, only a message: the messages it gives for the failures other
 * runtimes name by errno, mapped to that name so a `code` means the same on every runtime.
 */
const WORKERD_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/network connection lost/i, "ECONNRESET"],
  [/cannot connect to the specified address|connection refused/i, "ECONNREFUSED"],
  [/timed out/i, "ETIMEDOUT"],
];

/** The code of a Workers socket error: the runtime's own when it has one, else from workerd's message. */
export function workersErrorCode(error: unknown): string | undefined {
  const code = lostCode(error);
  if (code !== undefined || !(error instanceof Error)) return code;
  for (const [pattern, name] of WORKERD_MESSAGES) if (pattern.test(error.message)) return name;
  return errorCode(error);
}

/** A Workers socket error as `ConnectionLostError` with its code (sansio errors are kept as they are). */
export function workersLost(what: string, error: unknown): SansioError {
  if (error instanceof SansioError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectionLostError(`${what}: ${detail}`, { cause: error, code: workersErrorCode(error) });
}

/**
 * A failed TLS connect whose reason workerd did not say (its errors read "internal error; reference =
 * ..."): coded {@link TLS_HANDSHAKE_REFUSED}. A known code (a refused TCP connect, say) is kept.
 */
export function handshakeRefused(error: SansioError): SansioError {
  if (!(error instanceof ConnectionLostError) || error.code !== undefined) return error;
  return new ConnectionLostError(error.message, { cause: error.cause, code: TLS_HANDSHAKE_REFUSED });
}
