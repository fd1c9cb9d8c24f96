import { type Transport, type TransportSink, type WriteCallback } from "@sansio/runtime-api";
import { type WorkersSocket } from "./socket.js";
/**
 * One Workers socket as a pull {@link Transport}.
 *
 * Reads: one BYOB reader; each `readStart()` is one `reader.read(view)` of at most `sink.space()`
 * bytes. A BYOB read transfers (detaches) the buffer it is given and returns the bytes in a new one,
 * so it reads into a transport-owned scratch buffer (taken back from every result) and copies into
 * the driver's read buffer; the driver's memory is never detached.
 *
 * Writes: one writer; iovecs are coalesced, written in order, and reported once every
 * `writer.write()` has resolved (the stream may keep a chunk until then). Half-close is
 * `writer.close()` (FIN). The socket is closed explicitly at the end: workerd does not settle
 * `closed` by itself after both directions finished.
 */
export declare class WorkersTransport implements Transport {
  #private;
  readonly pull = true;
  constructor(socket: WorkersSocket, sink: TransportSink, scratch?: ArrayBuffer);
  readStart(): void;
  readStop(): void;
  write(iovecs: readonly Uint8Array[], done: WriteCallback): void;
  shutdownWrite(): void;
  close(): void;
  abort(): void;
  /** Throws when STARTTLS cannot start on this socket now, for reasons the driver does not check itself. */
  checkStartTls(): void;
  /**
   * STARTTLS: releases this transport's reader and writer (workerd's `startTls()` waits for that),
   * upgrades the socket, waits for the handshake and returns the transport of the TLS socket.
   * The driver calls it only with no read or write in flight and nothing buffered.
   */
  startTls(serverName: string | undefined): Promise<WorkersTransport>;
}
