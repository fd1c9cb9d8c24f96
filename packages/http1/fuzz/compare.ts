import type { FuzzCase } from "./cases.js";
import type { Outcome } from "./outcome.js";

/**
 * How @sansio/http1 ("we") and llhttp disagreed on one case:
 * - `message-differs`: both accepted the n-th message but not with the same start line or body;
 * - `we-accept-more` / `we-accept-fewer`: one side accepted more messages than the other;
 * - `we-accept-llhttp-rejects` / `we-reject-llhttp-accepts`: the same messages, but one side ended
 *   in an error (or mid-message) where the other read every byte cleanly;
 * - `we-fail`: our connection got stuck or threw something that is not an HttpParseError.
 * The first three are where smuggling lives; `we-accept-llhttp-rejects` is the looser-than-llhttp side.
 */
export type DisagreementKind =
  | "message-differs"
  | "we-accept-more"
  | "we-accept-fewer"
  | "we-accept-llhttp-rejects"
  | "we-reject-llhttp-accepts"
  | "we-fail";

/** The verdict on one case. */
export type Verdict =
  | { readonly kind: "accepted-by-both" | "rejected-by-both" | "skipped" }
  | { readonly kind: DisagreementKind; readonly detail: string };

const refused = (o: Outcome): boolean => o.end !== "ok";

/** Compares what we and llhttp made of the same bytes. */
export function compare(ours: Outcome, theirs: Outcome): Verdict {
  if (ours.end === "skipped" || theirs.end === "skipped") return { kind: "skipped" };
  if (ours.reason.startsWith("STUCK") || ours.reason.startsWith("UNEXPECTED")) {
    return { kind: "we-fail", detail: ours.reason };
  }
  const shared = Math.min(ours.messages.length, theirs.messages.length);
  for (let i = 0; i < shared; i++) {
    const a = ours.messages[i];
    const b = theirs.messages[i];
    if (a?.start !== b?.start || a?.body !== b?.body) {
      return {
        kind: "message-differs",
        detail: `message ${i + 1}: we ${JSON.stringify(a?.start)} body ${JSON.stringify(a?.body)}, llhttp ${JSON.stringify(b?.start)} body ${JSON.stringify(b?.body)}`,
      };
    }
  }
  const counts = `we ${ours.messages.length} (${ours.end} ${ours.reason}), llhttp ${theirs.messages.length} (${theirs.end} ${theirs.reason})`;
  if (ours.messages.length > theirs.messages.length) return { kind: "we-accept-more", detail: counts };
  if (ours.messages.length < theirs.messages.length) return { kind: "we-accept-fewer", detail: counts };
  if (refused(ours) && refused(theirs)) return { kind: "rejected-by-both" };
  // The input ended inside a message neither side delivered: one says so, the other closes silently.
  if (ours.end === "incomplete" || theirs.end === "incomplete") return { kind: "rejected-by-both" };
  if (!refused(ours) && !refused(theirs)) return { kind: "accepted-by-both" };
  return { kind: refused(ours) ? "we-reject-llhttp-accepts" : "we-accept-llhttp-rejects", detail: counts };
}

/** A deliberate difference from llhttp, decided by RFC 9110/9112, with the reason. */
export interface Allowed {
  /** Which disagreement it allows. */
  readonly kinds: readonly DisagreementKind[];
  /** The side: requests (server) or responses (client). */
  readonly side: "request" | "response" | "both";
  /** The case must carry one of these tags (mutations)... */
  readonly tags?: readonly string[];
  /** ...and all of these... */
  readonly allTags?: readonly string[];
  /** ...and/or our error code must be one of these. */
  readonly ourCodes?: readonly string[];
  /** ...and/or llhttp's error must start with one of these... */
  readonly theirErrors?: readonly string[];
  /** ...and/or this must hold of the two outcomes. */
  readonly when?: (ours: Outcome, theirs: Outcome) => boolean;
  /** Why the difference is right (the RFC section), or why it is harmless. */
  readonly reason: string;
}

/** The allow-list entry that covers a disagreement, if any. */
export function allowedBy(
  list: readonly Allowed[],
  side: "request" | "response",
  verdict: Verdict,
  fuzzCase: FuzzCase,
  ours: Outcome,
  theirs: Outcome,
): Allowed | undefined {
  return list.find(
    (entry) =>
      (entry.side === side || entry.side === "both") &&
      (entry.kinds as readonly string[]).includes(verdict.kind) &&
      (entry.tags === undefined || entry.tags.some((t) => fuzzCase.tags.includes(t))) &&
      (entry.allTags === undefined || entry.allTags.every((t) => fuzzCase.tags.includes(t))) &&
      (entry.ourCodes === undefined || entry.ourCodes.some((c) => ours.reason.startsWith(`${c}:`))) &&
      (entry.theirErrors === undefined || entry.theirErrors.some((e) => theirs.reason.startsWith(e))) &&
      (entry.when === undefined || entry.when(ours, theirs)),
  );
}
