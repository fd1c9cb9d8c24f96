import type { CaseResult } from "@sansio/runtime-api/conformance";
/** One of the Worker's own cases. Throw to fail; throw {@link NotApplicableHere} when it cannot run. */
export interface WorkerCase {
  readonly name: string;
  run(limit: number): Promise<void>;
}
/** Thrown by a case that does not apply to this run; reported as "n.a." with the message. */
export declare class NotApplicableHere extends Error {
  readonly name = "NotApplicableHere";
}
/** Runs the cases one after another; each gets `limit` ms. */
export declare function runCases(
  cases: readonly WorkerCase[],
  limit: number,
  only?: readonly string[],
): Promise<CaseResult[]>;
/** Rejects when `promise` does not settle within `ms`. */
export declare function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T>;
/** Throws unless `condition` holds. */
export declare function check(condition: boolean, message: string): asserts condition;
/** Waits `ms` milliseconds. */
export declare function sleep(ms: number): Promise<void>;
/** Polls `condition` every 5 ms until it holds; fails after `ms`. */
export declare function eventually(condition: () => boolean, ms: number, what: string): Promise<void>;
/** The error's name, or its type. */
export declare function nameOf(error: unknown): string;
/** Awaits a promise expected to reject and returns the rejection (fails if it resolves). */
export declare function rejection(promise: Promise<unknown>, what: string): Promise<unknown>;
/** Hex SHA-256 of `bytes`. */
export declare function sha256(bytes: Uint8Array): Promise<string>;
/** Throws unless two byte arrays are equal, naming the first difference. */
export declare function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void;
/** A command line for the fixture peer. */
export declare function line(text: string): Uint8Array;
/** Splits `bytes` into `size`-byte write operations of one iovec each. */
export declare function writesOf(bytes: Uint8Array, size: number): Uint8Array[][];
