import { DEFAULT_HOSTNAME, DEFAULT_MAX_CONNECTIONS } from "./defaults.js";
import { checkDriveOptions } from "./driver/options.js";
import { UnsupportedError } from "./errors.js";
import type { Address, ConnectOptions, ListenOptions } from "./runtime.js";
import { throwIfAborted } from "./session.js";

/**
 * The listen options an adapter enforces beyond the common ones. An option the adapter does not
 * declare is refused with `UnsupportedError` when a caller sets it, rather than silently ignored.
 */
export interface ListenFeatures {
  /** The adapter admits sockets through `ListenerCore.admit` (or `acceptConnection`), so it keeps `maxConnections`. */
  readonly maxConnections?: boolean;
  /** Why `reusePort` cannot be had here (runtime version, platform, flag), or `true` when it can. */
  readonly reusePort?: true | string;
}

/**
 * What every adapter's `listen` checks first, once: the signal is not aborted (`AbortedError`), the
 * drive options and `maxConnections` make sense (`RangeError`), `reusePort` is TCP (`TypeError`) and
 * an option the adapter lacks ({@link ListenFeatures}) was not asked for (`UnsupportedError`); returns
 * the address asked for ({@link listenAddress}).
 */
export function checkListen(options: ListenOptions, features: ListenFeatures = {}): Address {
  throwIfAborted(options.signal, "listen");
  checkDriveOptions(options);
  checkMaxConnections(options.maxConnections);
  if (options.maxConnections !== undefined && !features.maxConnections) {
    throw new UnsupportedError("listen: this runtime adapter does not enforce maxConnections");
  }
  if (options.reusePort) {
    if (options.path !== undefined) throw new TypeError("listen: reusePort applies to TCP ports, not a unix path");
    const reusePort = features.reusePort ?? "this runtime adapter has no SO_REUSEPORT";
    if (reusePort !== true) throw new UnsupportedError(`listen: reusePort is not available: ${reusePort}`);
  }
  return listenAddress(options);
}

/**
 * The `maxConnections` a listener keeps: the one asked for, or {@link DEFAULT_MAX_CONNECTIONS}.
 * Throws `RangeError` unless it is a positive integer or `Infinity`.
 */
export function checkMaxConnections(maxConnections: number | undefined): number {
  if (maxConnections === undefined) return DEFAULT_MAX_CONNECTIONS;
  const valid =
    maxConnections === Number.POSITIVE_INFINITY || (Number.isInteger(maxConnections) && maxConnections >= 1);
  if (!valid) {
    throw new RangeError(`maxConnections must be a positive integer or Infinity, got ${String(maxConnections)}`);
  }
  return maxConnections;
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
