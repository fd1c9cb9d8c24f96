import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DeadlineClient, EchoConnection } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { waitFor, within } from "./support.js";

// Bun's process.getActiveResourcesInfo() leaves timers out, so the conformance case "no timer keeps
// the process alive" is n.a. on Bun; these tests check the same thing here.

const adapter = join(import.meta.dir, "..", "src", "index.ts");

/** Runs `script` in a fresh Bun process; resolves with its exit code and output, or fails after `ms`. */
async function runAlone(script: string, ms: number): Promise<{ code: number; out: string }> {
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  try {
    const code = await within(child.exited, ms, "the child process to exit by itself");
    return { code, out: await new Response(child.stdout).text() };
  } finally {
    child.kill();
  }
}

describe("timers", () => {
  test("a deadline fires at or after its time, over a real Bun socket", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new DeadlineClient();
    const session = await runtime.connect({ port: listener.address.port }, client);
    const at = client.deadlineIn(20);
    await waitFor(() => client.fired.length > 0, "handleTimeout");
    expect(client.fired).toHaveLength(1);
    expect(client.fired[0]?.now).toBeGreaterThanOrEqual(at);
    client.finish();
    await within(session.closed, 5_000, "session closed");
    expect(client.errors).toEqual([]);
  });

  test("an armed 60 s deadline does not keep the process alive once the session closed", async () => {
    const script = `
      import { runtime } from ${JSON.stringify(adapter)};
      import { DeadlineClient, EchoConnection } from "@sansio/runtime-api/conformance";
      const listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
      const client = new DeadlineClient();
      const session = await runtime.connect({ port: listener.address.port }, client);
      client.deadlineIn(60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      session.close();
      await session.closed;
      await listener.close();
      console.log("closed", client.fired.length);
    `;
    const { code, out } = await runAlone(script, 10_000);
    expect(out.trim()).toBe("closed 0");
    expect(code).toBe(0);
  });
});
