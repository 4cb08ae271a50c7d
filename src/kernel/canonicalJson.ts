/**
 * Canonical JSON (keys sorted, no whitespace; RFC 8785 style for the values we store):
 * the audit chain hashes this text, so the same change always hashes the same.
 *
 * Written into one growing string (V8 keeps it as a rope until it is hashed) rather than joined
 * from arrays at every depth: the gate hashes several of these per truck, and the arrays were
 * a tenth of everything it allocated.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, out: string): string {
  if (value === null || value === undefined) return out + 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return out + JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('Canonical JSON cannot hold a non-finite number');
      return out + JSON.stringify(value);
    case 'bigint':
      return out + JSON.stringify(value.toString());
    case 'object':
      break;
    default:
      throw new Error(`Canonical JSON cannot hold a ${typeof value}`);
  }
  if (value instanceof Date) return out + JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) out = write(value[i], i ? out + ',' : out);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = sortInPlace(Object.keys(obj));
  let first = true;
  out += '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out = write(v, (first ? out : out + ',') + JSON.stringify(k) + ':');
    first = false;
  }
  return out + '}';
}

/**
 * Insertion sort by UTF-16 code units (what `Array.prototype.sort` does with strings), without its scratch copy: key
 * lists are short.
 */
function sortInPlace(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}
