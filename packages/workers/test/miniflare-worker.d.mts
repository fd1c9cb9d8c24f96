export { COMPATIBILITY_DATE, workerdVersion } from "./workerd-binary.mjs";

/** A binding in miniflare's form (the `env` of a Worker's config). */
export type WorkerBinding = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A text binding (`env.NAME` is the string). */
export function textBinding(value: string): WorkerBinding;

/** A binding to a network service that may reach loopback only; its TLS trusts `trustedCertificates`. */
export function loopbackNetwork(trustedCertificates?: readonly string[]): WorkerBinding;

/** A Worker miniflare serves, as {@link startWorker} resolves it. */
export interface RunningWorker {
  /** Where it serves (http://127.0.0.1:port/). */
  readonly url: URL;
  readonly port: number;
  readonly version: string;
  /** The Worker's and miniflare's recent output, for failure messages. */
  log(): string;
  /** A request to the Worker (`path` relative to its URL). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * POSTs JSON to the Worker and returns its JSON answer (parsed, unchecked: `T` is the shape the
   * caller's Worker sends); rejects with the Worker's error text.
   */
  post<T = unknown>(path: string, body: unknown, timeoutMs?: number): Promise<T>;
  /** Stops workerd; safe to call twice. */
  stop(): Promise<void>;
}

/** Bundles `entry` (or takes the bundled module `code`) and serves it with miniflare (workerd) on 127.0.0.1. */
export function startWorker(options: {
  readonly entry?: string;
  readonly code?: string;
  readonly alias?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, WorkerBinding>>;
  readonly echo?: boolean;
}): Promise<RunningWorker>;
