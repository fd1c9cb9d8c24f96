"""Python's `websockets` as a peer for @sansio/websocket's tests.

  peer.py serve        echo server on 127.0.0.1 (permessage-deflate on), prints "listening on PORT"
  peer.py client URL   runs a fixed exchange against an echo server, prints one JSON line
"""
import asyncio
import json
import sys

import websockets

LIMIT = 32 * 1024 * 1024


async def echo(ws, path=None):
    async for message in ws:
        if isinstance(message, str) and message.startswith("close:"):
            await ws.close(int(message[6:]), "python says")
            return
        await ws.send(message)


async def serve():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=LIMIT, compression="deflate") as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"listening on {port}", flush=True)
        await asyncio.Future()


async def client(url):
    result = {}
    async with websockets.connect(url, max_size=LIMIT, compression="deflate") as ws:
        result["extensions"] = [type(e).__name__ for e in ws.extensions]
        await ws.send("héllo ✓")
        result["text"] = await ws.recv()
        big = bytes((i * 7 + (i >> 12)) & 0xFF for i in range(4 * 1024 * 1024))
        await ws.send(big)
        result["big"] = (await ws.recv()) == big
        await ws.send(["frag", "mented"])  # one message in two frames
        result["fragmented"] = await ws.recv()
        await ws.send("close:4007")
        try:
            await ws.recv()
        except websockets.ConnectionClosed as closed:
            result["closed"] = [closed.rcvd.code, closed.rcvd.reason] if closed.rcvd else None
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve())
    else:
        asyncio.run(client(sys.argv[2]))
