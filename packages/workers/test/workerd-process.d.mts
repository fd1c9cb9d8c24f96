/** The compatibility date our Workers run with (not after the workerd release). */
export const COMPATIBILITY_DATE: string;

/** Path of the workerd binary from the `workerd` npm package. */
export function workerdBinary(): string;

/** `workerd --version`, e.g. "workerd 2026-11-17". */
export function workerdVersion(): string;

/** Bundles `entry` into one ES module at `outfile` with the `workerd`/`worker` export conditions. */
export function bundleWorker(
  entry: string,
  outfile: string,
  options?: { readonly alias?: Readonly<Record<string, string>> },
): Promise<void>;

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
