import { type Address, type Connection, type Driver, type Session } from "@sansio/runtime-api";
import { type WorkersSocket, type WorkersSocketInfo } from "./socket.js";
/**
 * Drives `connection` over an open Workers socket with `driver` (made, and its options checked,
 * before the socket was opened). `fallback` is the remote address used when workerd reports none.
 */
export declare function startSession(
  driver: Driver,
  socket: WorkersSocket,
  info: WorkersSocketInfo,
  fallback: Address,
  connection: Connection | ((session: Session) => Connection),
): Session;
