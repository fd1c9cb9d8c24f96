import { DEFAULT_HOSTNAME } from "./defaults.js";
import { checkDriveOptions } from "./driver/options.js";
import type { Address, ConnectOptions, ListenOptions } from "./runtime.js";
import { throwIfAborted } from "./session.js";

/**
 * What every adapter's `listen` checks first, once: the signal is not aborted (`AbortedError`), the
 * drive options make sense (`RangeError`); returns the address asked for ({@link listenAddress}).
 */
export function checkListen(options: ListenOptions): Address {
  throwIfAborted(options.signal, "listen");
  checkDriveOptions(options);
  return listenAddress(options);
}

/**
 * What every adapter's `connect` checks first, once: the signal, the drive options, and where to go
 * ({@link connectAddress}). Returns the target and the hostname TLS verifies by default.
 */
export function checkConnect(options: ConnectOptions): { readonly target: Address; readonly hostname: string } {
  throwIfAborted(options.signal, "connect");
  checkDriveOptions(options);
  return { target: connectAddress(options), hostname: options.hostname ?? DEFAULT_HOSTNAME };
}

/**
 * The address a listen asks for: the unix `path`, or `hostname` (default 127.0.0.1) and `port`
 * (default 0: any free port).
 */
export function listenAddress(options: ListenOptions): Address {
  if (options.path !== undefined) return { transport: "unix", path: options.path };
  return { transport: "tcp", hostname: options.hostname ?? DEFAULT_HOSTNAME, port: options.port ?? 0 };
}

/**
 * Where a connect goes: the unix `path`, or `hostname` (default 127.0.0.1) and `port`. Throws
 * `TypeError` when neither a port nor a path is given, `RangeError` for a port outside 1..65535.
 */
export function connectAddress(options: ConnectOptions): Address {
  if (options.path !== undefined) return { transport: "unix", path: options.path };
  const port = options.port;
  if (port === undefined) throw new TypeError("connect: give a port (with an optional hostname) or a unix socket path");
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`connect: port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  return { transport: "tcp", hostname: options.hostname ?? DEFAULT_HOSTNAME, port };
}

/** An address as text for messages: `host:port` or the unix path. */
export function describeAddress(address: Address): string {
  return address.transport === "unix" ? address.path : `${address.hostname}:${address.port}`;
}
