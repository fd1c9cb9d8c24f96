/** Default initial read buffer size: 16 KiB. */
export const DEFAULT_READ_BUFFER_SIZE = 16 * 1024;
/** Default read buffer limit: 1 MiB. */
export const DEFAULT_MAX_READ_BUFFER_SIZE = 1024 * 1024;
/** Default time `listener.close()` waits for connections to finish before aborting them: 10 s. */
export const DEFAULT_CLOSE_TIMEOUT = 10_000;
/** Default hostname for listen and connect. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
/**
 * Default `maxConnections` of a listener: 16 384 open sockets. High enough for the project's heaviest
 * use (10 000 keep-alive connections in the stress tier and the memory bench), low enough that a flood
 * of idle or slow sockets pins at most a few hundred MiB (16 384 x (16 KiB read buffer + ~7 KiB state))
 * instead of growing until descriptors or memory run out. `Infinity` lifts it.
 */
export const DEFAULT_MAX_CONNECTIONS = 16_384;
