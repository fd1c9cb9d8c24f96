import { runtime } from "@sansio/node";
import { expect, it } from "vitest";
import { testCertificates } from "../../../tests/support/certs.mjs";
import { Http2ClientConnection, http2Server } from "../src/index.js";

// The README's server and client examples, as written there, over TLS + ALPN h2 on Node.
it("the README examples run as written", async () => {
  const { cert, key, ca } = await testCertificates();
  const listener = await runtime.listen(
    { hostname: "127.0.0.1", port: 0, tls: { cert, key, alpnProtocols: ["h2"] } },
    http2Server(async (request, response) => {
      if (request.method === "POST") {
        const body = await request.body.bytes();
        response.respond(200, { "content-type": "application/octet-stream" }, body);
        return;
      }
      response.writeHead(200, { "content-type": "text/plain" });
      await response.write(`hello ${request.path}\n`);
      response.end(undefined, { "x-checksum": "abc" });
    }),
  );
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  const client = new Http2ClientConnection({ authority: `localhost:${port}`, scheme: "https" });
  await runtime.connect({ hostname: "localhost", port, tls: { ca, alpnProtocols: ["h2"] } }, client);

  const bytes = new TextEncoder().encode("payload");
  const response = await client.request({ method: "POST", path: "/upload", body: bytes });
  expect([response.status, response.header("content-type"), await response.body.text()]).toEqual([
    200,
    "application/octet-stream",
    "payload",
  ]);

  const paths = ["/a", "/b", "/c"];
  const all = await Promise.all(paths.map((path) => client.request({ path })));
  expect(await Promise.all(all.map((r) => r.body.text()))).toEqual(["hello /a\n", "hello /b\n", "hello /c\n"]);
  expect(all[0]?.body.trailers).toEqual(["x-checksum", "abc"]);

  const upload = client.stream({ method: "PUT", path: "/big" });
  for (const chunk of [bytes, bytes]) await upload.write(chunk);
  upload.end(undefined, { "x-sum": "..." });
  const answer = await upload.response;
  expect(await answer.body.text()).toBe("hello /big\n");

  expect(await client.ping()).toBeGreaterThanOrEqual(0);
  client.shutdown();
  await listener.close({ timeout: 2000 });
  expect(client.isClosed()).toBe(true);
});
