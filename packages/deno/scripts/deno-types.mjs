// Writes Deno's own type declarations (from the `deno` binary in devDependencies) to
// types/deno/index.d.ts, so that `tsc` and tsdown's d.ts build can check this package against the real
// Deno API. The root tsconfig leaves this package out: Deno's globals clash with @types/node.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Deno's timers are its Node-compatible globals, which `deno types` does not emit.
const timers = `
/** A timer handle, as Deno's Node-compatible \`setTimeout\` returns it. */
interface DenoTimer {
  ref(): this;
  unref(): this;
  hasRef(): boolean;
  [Symbol.toPrimitive](): number;
}
declare function setTimeout(callback: (...args: never[]) => void, delay?: number, ...args: unknown[]): DenoTimer;
declare function clearTimeout(timer?: DenoTimer | number): void;
declare function setInterval(callback: (...args: never[]) => void, delay?: number, ...args: unknown[]): DenoTimer;
declare function clearInterval(timer?: DenoTimer | number): void;
`;

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const declarations = execFileSync("deno", ["types"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
// `deno types` refers to Deno's internal libs by name (`/// <reference lib="deno.net" />`) and turns off
// the default lib; plain tsc knows neither. The file holds what they name, except the timers added above.
const standalone = declarations.replace(/^\/\/\/ <reference (no-default-lib|lib)=.*$/gm, "") + timers;
const out = join(root, "types", "deno", "index.d.ts");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, standalone);
