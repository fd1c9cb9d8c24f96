/** @sansio/websocket: a sans-IO WebSocket client and server. */
export {};
