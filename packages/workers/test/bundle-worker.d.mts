/** The export conditions a bundle for Workers resolves packages with (wrangler's). */
export const WORKER_CONDITIONS: readonly string[];

/** How to bundle: `alias` maps import names to files; `minify` minifies. */
export interface BundleOptions {
  readonly alias?: Readonly<Record<string, string>>;
  readonly minify?: boolean;
}

/** The Worker `entry` bundled into one ES module's text, with the Workers export conditions. */
export function bundleWorkerCode(entry: string, options?: BundleOptions): Promise<string>;

/** Bundles `entry` into the file `outfile`. */
export function bundleWorker(entry: string, outfile: string, options?: BundleOptions): Promise<void>;
