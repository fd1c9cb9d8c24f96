import { type ExtensionOffer, formatExtensions } from "./extensions.js";

/** The extension name of RFC 7692. */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

/** permessage-deflate as agreed for one connection (RFC 7692 §7.1), from the server's and client's side. */
export interface DeflateParams {
  /** The server resets its compressor after each message. */
  readonly serverNoContextTakeover: boolean;
  /** The client resets its compressor after each message. */
  readonly clientNoContextTakeover: boolean;
  /** LZ77 window bits the server's compressor may use (8..15). */
  readonly serverMaxWindowBits: number;
  /** LZ77 window bits the client's compressor may use (8..15). */
  readonly clientMaxWindowBits: number;
}

/** What an endpoint asks for when it offers (client) or accepts (server) permessage-deflate. */
export interface DeflateOptions {
  /**
   * Reset our compressor after every message: less memory per connection (no 32 KiB window kept),
   * worse ratio. Default false.
   */
  readonly noContextTakeover?: boolean;
  /** Ask the peer to reset its compressor after every message. Default false. */
  readonly peerNoContextTakeover?: boolean;
  /** Compress only messages at least this long (shorter ones go uncompressed, as RFC 7692 allows). Default 64. */
  readonly threshold?: number;
  /** fflate compression level 0..9. Default 6 (`zlib`'s default). */
  readonly level?: number;
}

/** An offer's parameters checked against RFC 7692 §7.1; `null` when the offer is invalid (unknown or repeated parameter, bad value). */
interface OfferParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number | null;
  /** `true` when offered without a value. */
  clientMaxWindowBits: number | true | null;
}

function readParams(offer: ExtensionOffer): OfferParams | null {
  const seen = new Set<string>();
  const params: OfferParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: null,
    clientMaxWindowBits: null,
  };
  for (const [key, value] of offer.params) {
    if (seen.has(key)) return null;
    seen.add(key);
    switch (key) {
      case "server_no_context_takeover":
        if (value !== true) return null;
        params.serverNoContextTakeover = true;
        break;
      case "client_no_context_takeover":
        if (value !== true) return null;
        params.clientNoContextTakeover = true;
        break;
      case "server_max_window_bits": {
        const bits = windowBits(value);
        if (bits === null) return null;
        params.serverMaxWindowBits = bits;
        break;
      }
      case "client_max_window_bits": {
        if (value === true) {
          params.clientMaxWindowBits = true;
          break;
        }
        const bits = windowBits(value);
        if (bits === null) return null;
        params.clientMaxWindowBits = bits;
        break;
      }
      default:
        return null;
    }
  }
  return params;
}

function windowBits(value: string | true): number | null {
  if (value === true || !/^(8|9|1[0-5])$/.test(value)) return null;
  return Number(value);
}

/**
 * The server's choice among a client's `Sec-WebSocket-Extensions` offers (RFC 7692 §5, §7.1): the first
 * valid permessage-deflate offer, accepted. Returns the agreed parameters and the response header value,
 * or `null` to decline. Offers the server cannot honour are still accepted: a window smaller than 15 bits
 * for the server's compressor means it sends its messages uncompressed (RFC 7692 allows any message to be).
 */
export function acceptDeflateOffer(
  offers: readonly ExtensionOffer[],
  options: DeflateOptions = {},
): { params: DeflateParams; response: string } | null {
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const offered = readParams(offer);
    if (offered === null) continue;
    const params: DeflateParams = {
      serverNoContextTakeover: offered.serverNoContextTakeover || options.noContextTakeover === true,
      clientNoContextTakeover: offered.clientNoContextTakeover || options.peerNoContextTakeover === true,
      serverMaxWindowBits: offered.serverMaxWindowBits ?? 15,
      clientMaxWindowBits: 15,
    };
    const response: Array<readonly [string, string | true]> = [];
    if (params.serverNoContextTakeover) response.push(["server_no_context_takeover", true]);
    if (params.clientNoContextTakeover) response.push(["client_no_context_takeover", true]);
    if (offered.serverMaxWindowBits !== null)
      response.push(["server_max_window_bits", String(offered.serverMaxWindowBits)]);
    return { params, response: formatExtensions([{ name: PERMESSAGE_DEFLATE, params: response }]) };
  }
  return null;
}

/** The client's `Sec-WebSocket-Extensions` offer for permessage-deflate. */
export function deflateOffer(options: DeflateOptions = {}): string {
  const params: Array<readonly [string, string | true]> = [["client_max_window_bits", true]];
  if (options.noContextTakeover) params.push(["client_no_context_takeover", true]);
  if (options.peerNoContextTakeover) params.push(["server_no_context_takeover", true]);
  return formatExtensions([{ name: PERMESSAGE_DEFLATE, params }]);
}

/**
 * Checks the server's answer to {@link deflateOffer} (RFC 7692 §5, §7.1). Returns the agreed
 * parameters, `null` when the server declined, or a string saying why the answer is invalid (the client
 * must then fail the connection).
 */
export function readDeflateResponse(
  extensions: readonly ExtensionOffer[],
  options: DeflateOptions = {},
): DeflateParams | null | string {
  if (extensions.length === 0) return null;
  if (extensions.length > 1 || (extensions[0] as ExtensionOffer).name !== PERMESSAGE_DEFLATE) {
    return "the server accepted an extension that was not offered";
  }
  const answer = readParams(extensions[0] as ExtensionOffer);
  if (answer === null) return "the server's permessage-deflate parameters are invalid";
  if (answer.clientMaxWindowBits === true) return "client_max_window_bits without a value in the server's response";
  if (options.peerNoContextTakeover && !answer.serverNoContextTakeover) {
    return "the server did not accept server_no_context_takeover";
  }
  return {
    serverNoContextTakeover: answer.serverNoContextTakeover,
    clientNoContextTakeover: answer.clientNoContextTakeover || options.noContextTakeover === true,
    serverMaxWindowBits: answer.serverMaxWindowBits ?? 15,
    clientMaxWindowBits: answer.clientMaxWindowBits ?? 15,
  };
}
