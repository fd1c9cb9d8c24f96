import type { HeadersInit } from "@sansio/http1";

/** Headers given by an application (a flat list or a record) as a new flat list. */
export function headerList(init: HeadersInit | undefined): string[] {
  if (init === undefined) return [];
  if (Array.isArray(init)) return [...(init as string[])];
  const out: string[] = [];
  for (const [name, value] of Object.entries(init)) out.push(name, String(value));
  return out;
}
