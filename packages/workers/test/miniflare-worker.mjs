// Runs a Worker locally in a real workerd through miniflare's public API (no Cloudflare account, no
// wrangler, no workerd config of our own): bundles it (bundle-worker.mjs), starts miniflare on
// 127.0.0.1 (any free port) and posts requests to it. Used by the @sansio/workers tests, the HTTP/2 and
// @sansio/runtime workerd tests and examples/workers/run-local.mjs.
//
// Outbound sockets: miniflare's default global outbound is a workerd network service that allows public
// and private addresses (loopback included) and trusts the public CAs (plus NODE_EXTRA_CA_CERTS), so
// `connect()` from cloudflare:sockets reaches a peer on 127.0.0.1 with no option. A socket that must
// trust another CA goes through a `network` binding (see `loopbackNetwork`) and `createRuntime({ connect })`.
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundleWorkerCode } from "./bundle-worker.mjs";
import { postJson } from "./post-json.mjs";
import { COMPATIBILITY_DATE, workerdVersion } from "./workerd-binary.mjs";

export { COMPATIBILITY_DATE, workerdVersion };

const LOG_LIMIT = 20_000;

/** A text binding (`env.NAME` is the string). */
export function textBinding(value) {
  return { type: "text", value };
}

/** A binding to a workerd network service that may reach loopback only; its TLS trusts `trustedCertificates` (PEM). */
export function loopbackNetwork(trustedCertificates) {
  return {
    type: "network",
    allow: ["local"],
    ...(trustedCertificates ? { tlsOptions: { trustedCertificates: [...trustedCertificates] } } : {}),
  };
}

/** miniflare's log, kept (the last LOG_LIMIT characters) for failure messages and echoed when asked. */
class KeptLog extends Log {
  #keep;
  constructor(keep) {
    super(LogLevel.WARN);
    this.#keep = keep;
  }
  log(message) {
    this.#keep(`${message}\n`);
  }
}

/**
 * Bundles `entry` (with `alias`, see bundle-worker.mjs), or takes the bundled module `code`, and serves
 * it with miniflare on 127.0.0.1.
 * `env`: the Worker's bindings in miniflare's form (`textBinding`, `loopbackNetwork`, ...); `echo: true`
 * shows the Worker's output on this process's stdout as well. Resolves once it serves with
 * `{ url, port, version, log(), fetch(), post(), stop() }`.
 */
export async function startWorker({ entry, code: bundled, alias, env = {}, echo = false }) {
  const code = bundled ?? (await bundleWorkerCode(entry, { alias }));
  let output = "";
  const keep = (text) => {
    output = (output + text).slice(-LOG_LIMIT);
    if (echo) process.stdout.write(text);
  };
  const miniflare = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    enableDevRegistry: false,
    log: new KeptLog(keep),
    handleStructuredLogs: ({ message }) => keep(`${message}\n`),
    workers: [
      {
        config: {
          name: "main",
          compatibilityDate: COMPATIBILITY_DATE,
          manifest: { mainModule: "worker.js", modules: { "worker.js": { type: "esm", contents: code } } },
          env,
        },
        dev: { unsafeRegisterWorker: false },
      },
    ],
  });
  let url;
  try {
    url = await miniflare.ready;
  } catch (error) {
    await miniflare.dispose().catch(() => {});
    throw error;
  }
  const log = () => output;
  let stopped;
  return {
    /** Where it serves (http://127.0.0.1:port/). */
    url,
    port: Number(url.port),
    version: workerdVersion(),
    /** The Worker's and miniflare's recent output, for failure messages. */
    log,
    /** A request to the Worker (`path` relative to its URL). */
    fetch: (path, init) => miniflare.dispatchFetch(new URL(path, url), init),
    /** POSTs JSON to the Worker and returns its JSON answer; rejects with the Worker's error text. */
    post: (path, body, timeoutMs = 300_000) =>
      postJson((to, init) => miniflare.dispatchFetch(to, init), new URL(path, url), body, timeoutMs, log),
    /** Stops workerd (miniflare's dispose); safe to call twice. */
    stop() {
      stopped ??= miniflare.dispose();
      return stopped;
    },
  };
}
