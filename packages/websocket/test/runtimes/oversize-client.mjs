// A `ws` client in its own process (so its writes race our server's close as a real peer's do): sends
// RUNS messages of SIZE random bytes, each on a new connection, in one go, and prints each close code.
import { randomFillSync } from "node:crypto";
import WebSocket from "ws";

const [url, runs, size] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const message = randomFillSync(new Uint8Array(size));
for (let run = 0; run < runs; run++) {
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no close within 20 s")), 20_000);
    const client = new WebSocket(url, { perMessageDeflate: false });
    client.on("error", () => {}); // a reset: reported by the 1006 close that follows
    client.on("open", () => client.send(message));
    client.on("close", (closeCode) => {
      clearTimeout(timer);
      resolve(closeCode);
    });
  });
  console.log(`close ${code}`);
}
