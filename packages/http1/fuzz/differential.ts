// The differential run: generate cases, give each to @sansio/http1 and to llhttp, compare, and
// group every disagreement by kind and mutations, with the first examples' bytes.
import { ALLOWED } from "./allow-list.js";
import { escapeBytes, type FuzzCase, requestCase, responseCase } from "./cases.js";
import { type Allowed, allowedBy, compare, type DisagreementKind } from "./compare.js";
import { llhttpRequests, llhttpResponses } from "./llhttp.js";
import { ourRequests, ourResponses } from "./ours.js";
import type { Outcome } from "./outcome.js";

/** Which parser pair: our server against llhttp in request mode, or our client against it in response mode. */
export type Side = "request" | "response";

/** An example of a disagreement, ready to print or replay (`seed`, `index`). */
export interface Example {
  readonly seed: number;
  readonly index: number;
  readonly bytes: string;
  readonly tags: string;
  readonly detail: string;
}

/** Disagreements of one kind where each side ended the same way (the same error codes). */
export interface DisagreementClass {
  readonly kind: DisagreementKind;
  /** The error that made the difference, e.g. `llhttp: HPE_INVALID_TRANSFER_ENCODING` (see {@link cause}). */
  readonly endings: string;
  count: number;
  readonly examples: Example[];
}

/** What a run found. */
export interface Summary {
  readonly side: Side;
  readonly seed: number;
  cases: number;
  acceptedByBoth: number;
  rejectedByBoth: number;
  skipped: number;
  /** Disagreements the allow-list covers, by its entries' reasons. */
  readonly allowed: Map<Allowed, number>;
  /** Disagreements it does not cover: each one is a finding. */
  readonly disagreements: Map<string, DisagreementClass>;
  milliseconds: number;
}

/** The verdict on one case, with both outcomes (for tests that look at a single case). */
export async function checkCase(side: Side, fuzzCase: FuzzCase) {
  const theirs =
    side === "request" ? llhttpRequests(fuzzCase.bytes) : llhttpResponses(fuzzCase.bytes, fuzzCase.methods);
  const ours: Outcome =
    side === "request"
      ? await ourRequests(fuzzCase.bytes)
      : await ourResponses(fuzzCase.bytes, fuzzCase.messages + 1, fuzzCase.methods);
  const verdict = compare(ours, theirs);
  const allowed =
    verdict.kind === "accepted-by-both" || verdict.kind === "rejected-by-both" || verdict.kind === "skipped"
      ? undefined
      : allowedBy(ALLOWED, side, verdict, fuzzCase, ours, theirs);
  return { ours, theirs, verdict, allowed };
}

/** Runs cases `from..from+count` of `seed`; `progress` is called every `every` cases. */
export async function runDifferential(options: {
  side: Side;
  seed: number;
  count: number;
  from?: number;
  examples?: number;
  every?: number;
  progress?: (summary: Summary) => void;
}): Promise<Summary> {
  const { side, seed, count } = options;
  const from = options.from ?? 0;
  const started = performance.now();
  const summary: Summary = {
    side,
    seed,
    cases: 0,
    acceptedByBoth: 0,
    rejectedByBoth: 0,
    skipped: 0,
    allowed: new Map(),
    disagreements: new Map(),
    milliseconds: 0,
  };
  const make = side === "request" ? requestCase : responseCase;
  for (let index = from; index < from + count; index++) {
    const fuzzCase = make(seed, index);
    const { ours, theirs, verdict, allowed } = await checkCase(side, fuzzCase);
    summary.cases++;
    if (verdict.kind === "accepted-by-both") summary.acceptedByBoth++;
    else if (verdict.kind === "rejected-by-both") summary.rejectedByBoth++;
    else if (verdict.kind === "skipped") summary.skipped++;
    else if (allowed) summary.allowed.set(allowed, (summary.allowed.get(allowed) ?? 0) + 1);
    else {
      const endings = cause(verdict.kind, ours, theirs);
      const key = `${verdict.kind} | ${endings}`;
      let found = summary.disagreements.get(key);
      if (!found) {
        found = { kind: verdict.kind, endings, count: 0, examples: [] };
        summary.disagreements.set(key, found);
      }
      found.count++;
      if (found.examples.length < (options.examples ?? 2)) {
        found.examples.push({
          seed,
          index,
          bytes: escapeBytes(fuzzCase.bytes),
          tags: fuzzCase.tags.join(" ") || "(no mutation)",
          detail: "detail" in verdict ? verdict.detail : "",
        });
      }
    }
    if (options.progress && summary.cases % (options.every ?? 50_000) === 0) {
      summary.milliseconds = performance.now() - started;
      options.progress(summary);
    }
  }
  summary.milliseconds = performance.now() - started;
  return summary;
}

/**
 * What a disagreement is grouped by: the error of the side that stopped first (llhttp's when we
 * accepted more, ours when we accepted less), both endings when the messages differ.
 */
function cause(kind: DisagreementKind, ours: Outcome, theirs: Outcome): string {
  if (kind === "we-accept-more" || kind === "we-accept-llhttp-rejects") return `llhttp: ${endingCode(theirs)}`;
  if (kind === "we-accept-fewer" || kind === "we-reject-llhttp-accepts") return `we: ${endingCode(ours)}`;
  return `we: ${endingCode(ours)}, llhttp: ${endingCode(theirs)}`;
}

/** How an outcome ended, as a short code: `ok`, or the error's code (`bad-chunk`, `HPE_INVALID_CHUNK_SIZE`). */
function endingCode(outcome: Outcome): string {
  if (outcome.end === "ok") return "ok";
  const colon = outcome.reason.indexOf(":");
  return colon > 0 ? outcome.reason.slice(0, colon) : outcome.end;
}

/** The number of disagreements the allow-list does not cover. */
export function findings(summary: Summary): number {
  let n = 0;
  for (const c of summary.disagreements.values()) n += c.count;
  return n;
}

/** A printable report of a run: the counts, the allowed differences, then every finding with its examples. */
export function formatSummary(summary: Summary, classes = 40): string {
  const lines: string[] = [];
  const seconds = (summary.milliseconds / 1000).toFixed(1);
  lines.push(
    `${summary.side}s (seed ${summary.seed}): ${summary.cases} cases in ${seconds} s — accepted by both ${summary.acceptedByBoth}, rejected by both ${summary.rejectedByBoth}, skipped ${summary.skipped}, allowed differences ${[...summary.allowed.values()].reduce((a, b) => a + b, 0)}, findings ${findings(summary)}`,
  );
  for (const [entry, count] of summary.allowed)
    lines.push(`  allowed ×${count}: ${entry.kinds.join("/")} — ${entry.reason}`);
  const sorted = [...summary.disagreements.values()].sort((a, b) => b.count - a.count);
  for (const c of sorted.slice(0, classes)) {
    lines.push(`  FINDING ×${c.count}: ${c.kind} (${c.endings})`);
    for (const e of c.examples) {
      lines.push(`    case ${e.seed}/${e.index} [${e.tags}]: "${e.bytes}"`, `      ${e.detail}`);
    }
  }
  if (sorted.length > classes) lines.push(`  ... and ${sorted.length - classes} more classes`);
  return lines.join("\n");
}
