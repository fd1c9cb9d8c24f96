export { bundleWorker } from "./bundle-worker.mjs";
export { COMPATIBILITY_DATE, workerdBinary, workerdVersion } from "./workerd-binary.mjs";

/** A workerd config serving `worker.js` on 127.0.0.1 (port 0) with a loopback-only outbound network. */
export function workerdConfig(options?: {
  readonly outboundTls?: string;
  readonly services?: readonly string[];
  readonly bindings?: readonly string[];
}): string;

/** A workerd serving one Worker, as {@link startWorkerd} resolves it. */
export interface RunningWorkerd {
  readonly port: number;
  /** The workerd process. */
  readonly pid: number | undefined;
  readonly version: string;
  /** workerd's recent output, for failure messages. */
  log(): string;
  /**
   * POSTs JSON to the Worker and returns its JSON answer (parsed, unchecked: `T` is the shape the
   * caller's Worker sends); rejects with the Worker's error text.
   */
  post<T = unknown>(path: string, body: unknown, timeoutMs?: number): Promise<T>;
  /** Stops workerd and removes its files. */
  stop(): Promise<void>;
}

/** Bundles `entry`, writes `config` and `files`, and serves them with workerd on 127.0.0.1. */
export function startWorkerd(options: {
  readonly entry: string;
  readonly config: string;
  readonly alias?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, string>>;
  readonly echo?: boolean;
}): Promise<RunningWorkerd>;
