/** The compatibility date our Workers run with (not after the workerd release). */
export const COMPATIBILITY_DATE: string;

/** Path of the workerd binary from the `workerd` npm package. */
export function workerdBinary(): string;

/** `workerd --version`, e.g. "workerd 2026-10-23". */
export function workerdVersion(): string;
