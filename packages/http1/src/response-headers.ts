import { equalsLower } from "./chars.js";
import { type HeaderList, hasToken } from "./headers.js";

/** Flags of {@link scanHeaders}. */
export const HAS_CONTENT_LENGTH = 1;
export const HAS_TRANSFER_ENCODING = 2;
export const CONNECTION_CLOSE_FLAG = 4;
export const HAS_DATE = 8;
export const CONNECTION_UPGRADE_FLAG = 16;
export const HAS_HOST = 32;
export const CONNECTION_KEEP_ALIVE_FLAG = 64;

/** What {@link scanHeaders} found. One shared instance: read it right after the call. */
export interface HeaderScan {
  /** Bit set of the flags above. */
  flags: number;
  /** The Content-Length given, or -1. */
  contentLength: number;
  /** Bytes the fields take once encoded as `name: value\r\n` lines. */
  size: number;
}

const scan: HeaderScan = { flags: 0, contentLength: -1, size: 0 };

/**
 * Looks through headers a caller wants to send for the ones the connection manages (framing,
 * `Connection`, `Date`, `Host`) and measures their encoded size. Throws `TypeError` for a
 * Content-Length that is not a number or a transfer coding other than chunked.
 */
export function scanHeaders(headers: HeaderList): HeaderScan {
  let flags = 0;
  let contentLength = -1;
  let size = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    size += name.length + value.length + 4;
    switch (name.length) {
      case 4:
        if (equalsLower(name, "date")) flags |= HAS_DATE;
        else if (equalsLower(name, "host")) flags |= HAS_HOST;
        break;
      case 10:
        if (equalsLower(name, "connection")) {
          if (hasToken(value, "close")) flags |= CONNECTION_CLOSE_FLAG;
          if (hasToken(value, "upgrade")) flags |= CONNECTION_UPGRADE_FLAG;
          if (hasToken(value, "keep-alive")) flags |= CONNECTION_KEEP_ALIVE_FLAG;
        }
        break;
      case 14:
        if (equalsLower(name, "content-length")) {
          if (!/^\d{1,15}$/.test(value)) throw new TypeError(`invalid Content-Length ${JSON.stringify(value)}`);
          const length = Number(value);
          if (contentLength >= 0 && contentLength !== length) throw new TypeError("conflicting Content-Length headers");
          contentLength = length;
          flags |= HAS_CONTENT_LENGTH;
        }
        break;
      case 17:
        if (equalsLower(name, "transfer-encoding")) {
          if (!equalsLower(value.trim(), "chunked")) {
            throw new TypeError(`only Transfer-Encoding: chunked can be sent, not ${JSON.stringify(value)}`);
          }
          flags |= HAS_TRANSFER_ENCODING;
        }
        break;
    }
  }
  scan.flags = flags;
  scan.contentLength = contentLength;
  scan.size = size;
  return scan;
}
