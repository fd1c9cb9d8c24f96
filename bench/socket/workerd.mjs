// Socket benchmarks on Cloudflare Workers: `node bench/socket/workerd.mjs` starts workerd with the bench
// Worker and forwards each trial the orchestrator sends (see ../lib/commands.mjs) to it. The echo server
// is whatever port the trial names (the orchestrator uses the raw Node one for both sides).
import { serveCommands } from "../lib/commands.mjs";
import { startBenchWorker } from "../lib/workerd.mjs";

const worker = await startBenchWorker();
serveCommands(
  { version: worker.version, pid: worker.pid },
  async (command) => (await worker.post(command)).ms,
  () => worker.stop(),
);
