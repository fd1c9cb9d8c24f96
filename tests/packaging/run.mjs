// `npm run test:packaging`: checks that every package publishes cleanly, as a user would get it.
//   1. manifests: ESM only, license, repository, files, prepack, peer @sansio/runtime-api, JSR config
//      (manifest.mjs), versioned together, and the release changesets would make (the first is 0.1.0);
//   2. `npm pack` of every package (the dist `npm run build` made): what each tarball holds;
//   3. publint --strict and are-the-types-wrong (esm-only profile) on each tarball;
//   4. `deno publish --dry-run` of the packages as one Deno workspace (JSR: types, slow types, exports
//      to the sources);
//   5. the tarballs installed into a scratch project OUTSIDE the workspace (npm install, served from
//      npm's cache when it can be) and imported there on Node 24, Node 22, the system Node 20 (when
//      there is one), Deno and Bun (consumer/smoke.mjs: imports, one copy of each class, a loopback
//      echo and HTTP/1.1 answered to fetch()).
// Prints one line per check and exits non-zero on any failure. Every child process has a time limit.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { manifestProblems } from "./manifest.mjs";
import { loadPackages, ROOT } from "./packages.mjs";
import { releasePlan } from "./release-plan.mjs";

const bin = (name) => join(ROOT, "node_modules", ".bin", name);
const NODE24 = bin("node");
const NODE22 = join(ROOT, "node_modules", "node22", "bin", "node");
const CHILD_LIMIT_MS = 120_000;
const PARALLEL = 2;

/** The environment of the children: the workspace's tools (and its Node 24) first on PATH, as in npm scripts. */
const ENV = { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` };

/** Runs a command; resolves with its exit code and output (never rejects). */
function run(command, args, { cwd = ROOT, env = ENV, timeout = CHILD_LIMIT_MS } = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : (error.signal ?? error.code)) : 0;
      resolve({ code, stdout, stderr, failed: Boolean(error) });
    });
  });
}

/** Runs `task` over `items`, at most PARALLEL at a time, keeping the order of the results. */
async function pool(items, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}

let failures = 0;
function report(ok, label, detail = "") {
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${label}${detail ? `\n${detail.replace(/^/gm, "     ")}` : ""}`);
}
function skip(label, why) {
  console.log(`skip ${label}: ${why}`);
}
let phaseStarted = Date.now();
/** Prints how long the phase that just ended took, so a slow step shows. */
function phaseDone(name) {
  const now = Date.now();
  console.log(`---- ${name}: ${((now - phaseStarted) / 1000).toFixed(1)} s`);
  phaseStarted = now;
}
function tail(text, lines = 25) {
  return text.trim().split("\n").slice(-lines).join("\n");
}

const started = Date.now();
const packages = loadPackages();
const version = packages.find((p) => p.dir === "runtime-api")?.manifest.version;

// 1. Manifests, versions, changesets.
for (const pkg of packages) {
  const problems = manifestProblems({ manifest: pkg.manifest, jsr: pkg.jsr, dir: pkg.dir, version });
  report(problems.length === 0, `manifest ${pkg.manifest.name}`, problems.join("\n"));
}
{
  const config = JSON.parse(await readFile(join(ROOT, ".changeset", "config.json"), "utf8"));
  const fixed = (config.fixed ?? []).flat();
  const unfixed = packages.filter((p) => !fixed.includes(p.manifest.name) && !fixed.includes("@sansio/*"));
  report(
    unfixed.length === 0,
    "changesets: every package in one `fixed` group",
    unfixed.map((p) => `${p.manifest.name} is not in .changeset/config.json "fixed"`).join("\n"),
  );
  const { releases, errors } = await releasePlan(ROOT);
  if (errors.length > 0) report(false, "changesets: config", errors.join("\n"));
  const planned = [...new Set(releases.map((r) => r.newVersion))];
  const released = packages.some((p) => existsSync(join(p.path, "CHANGELOG.md")));
  const problems = [];
  if (planned.length > 1) problems.push(`packages would get different versions: ${planned.join(", ")}`);
  if (!released && planned.length > 0 && planned[0] !== "0.1.0") {
    problems.push(`nothing is released yet (no CHANGELOG.md), but the first release would be ${planned[0]}, not 0.1.0`);
  }
  const plan = planned.length === 0 ? "no pending changesets" : `next release ${planned.join(", ")}`;
  report(problems.length === 0, `changesets: release plan (${plan})`, problems.join("\n"));
}

phaseDone("manifests and changesets");

// 2. npm pack of the built packages.
const missing = packages.filter((p) => !existsSync(join(p.path, "dist")));
if (missing.length > 0) {
  report(false, "dist", `not built: ${missing.map((p) => p.dir).join(", ")} (run npm run build first)`);
  process.exit(1);
}
const scratch = await mkdtemp(join(tmpdir(), "sansio-packaging-"));
const tarballDir = join(scratch, "tarballs");
const tarballs = [];
try {
  await mkdir(tarballDir);
  const pack = await run("npm", [
    "pack",
    "--ignore-scripts",
    "--json",
    "--pack-destination",
    tarballDir,
    ...packages.flatMap((p) => ["-w", `packages/${p.dir}`]),
  ]);
  if (pack.failed) {
    report(false, "npm pack", tail(pack.stderr));
    process.exit(1);
  }
  const packed = JSON.parse(pack.stdout);
  for (const entry of packed) {
    const files = entry.files.map((f) => f.path);
    const problems = [];
    for (const wanted of ["LICENSE", "README.md", "package.json"]) {
      if (!files.includes(wanted)) problems.push(`${wanted} is missing`);
    }
    if (!files.some((f) => f.startsWith("dist/") && f.endsWith(".js"))) problems.push("no dist/*.js");
    if (!files.some((f) => f.startsWith("dist/") && f.endsWith(".d.ts"))) problems.push("no dist/*.d.ts");
    const stray = files.filter((f) => f.startsWith("src/") || f.startsWith("test/") || /\.c[jt]s$/.test(f));
    if (stray.length > 0) problems.push(`ships ${stray.slice(0, 5).join(", ")}${stray.length > 5 ? ", …" : ""}`);
    const size = `${(entry.size / 1024).toFixed(1)} KiB packed, ${entry.entryCount} files`;
    report(problems.length === 0, `npm pack ${entry.name} (${size})`, problems.join("\n"));
    tarballs.push({ name: entry.name, file: join(tarballDir, entry.filename) });
  }

  phaseDone("npm pack");

  // 3. publint and are-the-types-wrong on each tarball.
  const lints = await pool(tarballs, async ({ name, file }) => {
    const publint = await run(bin("publint"), ["run", "--strict", file]);
    const attw = await run(bin("attw"), ["--profile", "esm-only", "--format", "ascii", "--no-color", file]);
    return { name, publint, attw };
  });
  for (const { name, publint, attw } of lints) {
    report(!publint.failed, `publint --strict ${name}`, publint.failed ? tail(publint.stdout + publint.stderr) : "");
    report(!attw.failed, `attw --profile esm-only ${name}`, attw.failed ? tail(attw.stdout + attw.stderr, 40) : "");
  }

  phaseDone("publint and attw");

  // 4. deno publish --dry-run, from the root: Deno publishes the packages with a JSR config as one
  // workspace (their imports of each other become jsr: dependencies), type-checking them together.
  // The sources use .js specifiers for .ts files: --sloppy-imports.
  const publish = await run(bin("deno"), ["publish", "--dry-run", "--allow-dirty", "--sloppy-imports"], {
    env: { ...ENV, NO_COLOR: "1" },
  });
  const publishOutput = `${publish.stdout}${publish.stderr}`;
  const simulated = [...publishOutput.matchAll(/Simulating publish of (@sansio\/[\w-]+)@/g)].map((m) => m[1]);
  const unpublished = packages.filter((p) => !simulated.includes(p.manifest.name)).map((p) => p.manifest.name);
  report(
    !publish.failed && unpublished.length === 0,
    `deno publish --dry-run (${simulated.length} packages: ${simulated.join(", ")})`,
    publish.failed || unpublished.length > 0
      ? `${unpublished.length > 0 ? `not published: ${unpublished.join(", ")}\n` : ""}${tail(publishOutput.replace(/^\s*file:\/\/\S+.*\n/gm, ""), 30)}`
      : "",
  );
  phaseDone("deno publish --dry-run");

  // 5. A scratch project outside the workspace installs the tarballs and imports them on every runtime.
  const consumer = join(scratch, "consumer");
  await mkdir(consumer);
  await writeFile(
    join(consumer, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  await copyFile(join(import.meta.dirname, "consumer", "smoke.mjs"), join(consumer, "smoke.mjs"));
  const install = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs.map((t) => t.file)],
    { cwd: consumer },
  );
  phaseDone("npm install");
  report(
    !install.failed,
    `npm install of ${tarballs.length} tarballs into ${consumer}`,
    install.failed ? tail(install.stderr) : "",
  );
  if (!install.failed) {
    const oneImport = tarballs.some((t) => t.name === "@sansio/runtime") ? ["--one-import"] : [];
    const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find((path) => existsSync(path));
    const systemVersion = systemNode ? (await run(systemNode, ["--version"])).stdout.trim() : "";
    const runtimes = [
      ["node 24", NODE24, ["smoke.mjs", "node"]],
      ["node 22", NODE22, ["smoke.mjs", "node"]],
      ...(systemVersion.startsWith("v20.") ? [["node 20 (system)", systemNode, ["smoke.mjs", "node"]]] : []),
      ["deno", bin("deno"), ["run", "-A", "smoke.mjs", "deno"]],
      ["bun", bin("bun"), ["smoke.mjs", "bun"]],
    ];
    if (!systemVersion.startsWith("v20."))
      skip("node 20", `no system Node 20 (${systemNode ?? "none"} ${systemVersion})`);
    const smokes = await pool(runtimes, async ([label, command, args]) => ({
      label,
      result: existsSync(command)
        ? await run(command, [...args, ...oneImport], { cwd: consumer, timeout: 60_000 })
        : { failed: true, stdout: "", stderr: `${command} is missing (npm ci installs it)` },
    }));
    for (const { label, result } of smokes) {
      const line = result.stdout.split("\n").find((l) => l.startsWith("SMOKE-OK")) ?? "";
      report(
        !result.failed && line !== "",
        `packed tarballs on ${label}: ${line.replace(/^SMOKE-OK /, "")}`,
        result.failed ? tail(result.stdout + result.stderr) : "",
      );
    }
  }
  phaseDone("smoke on every runtime");
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  failures === 0
    ? `packaging: all checks passed in ${seconds} s`
    : `packaging: ${failures} check(s) failed (${seconds} s)`,
);
process.exit(failures === 0 ? 0 : 1);
