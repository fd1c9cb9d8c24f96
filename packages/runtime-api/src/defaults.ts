/** Default initial read buffer size: 16 KiB. */
export const DEFAULT_READ_BUFFER_SIZE = 16 * 1024;
/** Default read buffer limit: 1 MiB. */
export const DEFAULT_MAX_READ_BUFFER_SIZE = 1024 * 1024;
/** Default time `listener.close()` waits for connections to finish before aborting them: 10 s. */
export const DEFAULT_CLOSE_TIMEOUT = 10_000;
/** Default hostname for listen and connect. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
