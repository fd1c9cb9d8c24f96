/** The GUID RFC 6455 §1.3 appends to `Sec-WebSocket-Key` before hashing. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const latin1 = new TextEncoder();

/**
 * `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2).
 * Uses WebCrypto (`crypto.subtle`), present on Node, Deno, Bun and workerd.
 */
export async function computeAccept(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", latin1.encode(key + GUID));
  return toBase64(new Uint8Array(digest));
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes, base64 (RFC 6455 §4.1). */
export function generateKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(16)));
}

/** True when `key` is base64 of 16 bytes, as RFC 6455 §4.2.1 requires of `Sec-WebSocket-Key`. */
export function isValidKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary);
}
