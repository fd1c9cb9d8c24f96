// Run by listen.test.ts under each Node binary: two reusePort listeners on one port, or UnsupportedError.
// Prints {"version", "outcome"} as JSON: outcome "shared", "UnsupportedError" or the error's name.
import { runtime } from "../dist/index.js";

const never = () => {
  throw new Error("no connection expected");
};
let outcome;
try {
  const first = await runtime.listen({ reusePort: true }, never);
  const second = await runtime.listen({ reusePort: true, port: first.address.port }, never);
  outcome = second.address.port === first.address.port ? "shared" : "different ports";
  await Promise.all([first.close(), second.close()]);
} catch (error) {
  outcome = error instanceof Error ? error.name : String(error);
}
process.stdout.write(JSON.stringify({ version: process.version, outcome }));
