// Runs the UpperCase protocol with @sansio/node as a server and as a client:
//   npm run example:upper          (any Node: npm scripts run the workspace's Node 24)
//   node examples/upper/main.ts    (Node >= 22.18 runs TypeScript itself)
import { runtime } from "@sansio/node";
import { SendAndCollect } from "@sansio/runtime-api/conformance";
import { UpperCase } from "./upper.ts";

const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, () => new UpperCase());
const address = listener.address;
if (address.transport !== "tcp") throw new Error("expected TCP");

// The client side is a Connection too: this one sends its payload, half-closes, and collects the reply.
const client = new SendAndCollect(new TextEncoder().encode("hello, sans-io world\n"));
const session = await runtime.connect({ hostname: "127.0.0.1", port: address.port }, client);
process.stdout.write(new TextDecoder().decode(await client.done));
await session.closed;
await listener.close();
