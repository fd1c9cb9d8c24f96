// Prints the matrix: rows are cases, columns are runs, cells pass / FAIL / n.a. with numbered reasons.

/** @param {{ label: string, results: { name: string, status: string, error?: string }[] | null, crash?: string }[]} columns */
export function renderTable(columns) {
  const names = [];
  for (const column of columns) for (const r of column.results ?? []) if (!names.includes(r.name)) names.push(r.name);
  const reasons = [];
  const cell = (column, name) => {
    if (!column.results) return "CRASH";
    const r = column.results.find((x) => x.name === name);
    // A partial column (the stress tier) runs only some cases: the others are not its business.
    if (!r) return column.partial ? "-" : "missing";
    if (r.status === "pass") return "pass";
    const reason = r.error ?? "";
    let index = reasons.indexOf(reason);
    if (index < 0) index = reasons.push(reason) - 1;
    return r.status === "fail" ? `FAIL[${index + 1}]` : `n.a.[${index + 1}]`;
  };
  const width = Math.min(72, Math.max(4, ...names.map((n) => n.length)));
  const widths = columns.map((c) => Math.max(8, c.label.length));
  const pad = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text.padEnd(n));
  const lines = [];
  lines.push(`${pad("case", width)} | ${columns.map((c, i) => pad(c.label, widths[i])).join(" | ")}`);
  lines.push(`${"-".repeat(width)}-|-${widths.map((w) => "-".repeat(w)).join("-|-")}`);
  for (const name of names)
    lines.push(`${pad(name, width)} | ${columns.map((c, i) => pad(cell(c, name), widths[i])).join(" | ")}`);
  if (reasons.length > 0) {
    lines.push("");
    for (const [i, reason] of reasons.entries()) lines.push(`[${i + 1}] ${reason}`);
  }
  const measured = [];
  for (const column of columns) {
    for (const r of column.results ?? []) if (r.measured) measured.push(`  ${column.label} | ${r.name}: ${r.measured}`);
  }
  if (measured.length > 0) lines.push("", "measured (the bounds are in the cases' failure messages):", ...measured);
  for (const column of columns) if (column.crash) lines.push(`\n${column.label}: ${column.crash}`);
  return lines.join("\n");
}
