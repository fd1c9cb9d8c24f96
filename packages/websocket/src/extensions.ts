/** One extension of a `Sec-WebSocket-Extensions` header: its name and parameters (a value, or `true` when it has none). */
export interface ExtensionOffer {
  readonly name: string;
  readonly params: ReadonlyArray<readonly [string, string | true]>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1): `name; param; param=value, name2...`,
 * values as tokens or quoted strings. Several header lines may be joined with ", ". Returns `null`
 * when it does not follow the grammar.
 */
export function parseExtensions(value: string): ExtensionOffer[] | null {
  const offers: ExtensionOffer[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = () => {
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
  };
  const token = (): string | null => {
    const start = i;
    while (i < n && !' \t,;="'.includes(value[i] as string)) i++;
    const text = value.slice(start, i);
    return TOKEN.test(text) ? text : null;
  };
  for (;;) {
    skipSpace();
    if (i >= n) return offers.length > 0 ? offers : null;
    if (value[i] === ",") {
      i++; // empty list elements are allowed by the #rule
      continue;
    }
    const name = token();
    if (name === null) return null;
    const params: Array<readonly [string, string | true]> = [];
    skipSpace();
    while (value[i] === ";") {
      i++;
      skipSpace();
      const key = token();
      if (key === null) return null;
      skipSpace();
      let paramValue: string | true = true;
      if (value[i] === "=") {
        i++;
        skipSpace();
        if (value[i] === '"') {
          i++;
          let text = "";
          while (i < n && value[i] !== '"') {
            if (value[i] === "\\") i++;
            if (i < n) text += value[i];
            i++;
          }
          if (i >= n) return null;
          i++;
          if (!TOKEN.test(text)) return null; // §9.1: a quoted value must still be a token
          paramValue = text;
        } else {
          const text = token();
          if (text === null) return null;
          paramValue = text;
        }
        skipSpace();
      }
      params.push([key.toLowerCase(), paramValue]);
    }
    offers.push({ name: name.toLowerCase(), params });
    skipSpace();
    if (i >= n) return offers;
    if (value[i] !== ",") return null;
    i++;
  }
}

/** Formats extensions for a `Sec-WebSocket-Extensions` header. */
export function formatExtensions(extensions: readonly ExtensionOffer[]): string {
  return extensions
    .map((e) => [e.name, ...e.params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join("; "))
    .join(", ");
}
