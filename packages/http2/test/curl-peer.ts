import { execFile, execFileSync } from "node:child_process";

/** True when curl is installed with HTTP/2 (nghttp2); tests that need it skip visibly otherwise. */
export const curlHasHttp2: boolean = (() => {
  try {
    return /\bHTTP2\b/.test(execFileSync("curl", ["--version"], { encoding: "utf8" }));
  } catch {
    return false;
  }
})();

/** Says loudly that a curl test did not run. */
export function warnIfNoCurl(what: string): void {
  if (!curlHasHttp2) console.warn(`SKIPPED: curl with HTTP/2 (nghttp2) is not installed; ${what} did not run`);
}

/** Runs curl asynchronously (the servers under test run in this process); resolves with its output. */
export function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      "curl",
      ["--silent", "--show-error", "--max-time", "10", ...args],
      { encoding: "utf8" },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    ),
  );
}
