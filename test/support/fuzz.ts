/**
 * Values generated from a route's own JSON schemas (as the OpenAPI document publishes them), and
 * hostile mutations of them: wrong types and bounds, NUL bytes and lone surrogates, numbers JSON
 * cannot hold, deep nesting, prototype keys, broken encodings. Used by test/api/fuzz.int.test.ts.
 */
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

/** Values worth trying for a field of a given name (ids that exist, codes that validate). */
export type Hints = Record<string, readonly string[]>;

/** One operation of the OpenAPI document: what the generator needs. */
export interface Operation {
  method: string;
  /** Fastify form, /api/v1/books/:bookId */
  url: string;
  path: Record<string, JsonSchema>;
  query: { schema: Record<string, JsonSchema>; required: string[] };
  body: JsonSchema | null;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

/** The operations of an OpenAPI 3.1 document, keyed "METHOD /url" in Fastify's form. */
export function operations(spec: { paths: Record<string, Record<string, unknown>> }): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [oaPath, methods] of Object.entries(spec.paths)) {
    const url = oaPath.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as OpenApiOperation;
      const path: Record<string, JsonSchema> = {};
      const query: Operation['query'] = { schema: {}, required: [] };
      for (const p of op.parameters ?? []) {
        if (p.in === 'path') path[p.name] = p.schema;
        if (p.in === 'query') query.schema[p.name] = p.schema;
        if (p.in === 'query' && p.required) query.required.push(p.name);
      }
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      out.set(`${method.toUpperCase()} ${url}`, { method: method.toUpperCase(), url, path, query, body });
    }
  }
  return out;
}

// Generated values stay small: the hostile mutations bring the long ones.
const MAX_GENERATED_LENGTH = 40;
const MAX_GENERATED_ITEMS = 3;
const MAX_DEPTH = 6;
const PLAIN_CHARACTERS = 'abcXYZ019 -_.:/中文琼'.split('');
const URLS = ['https://example.com/hook', 'http://127.0.0.1:9/x', 'https://10.0.0.1/x'];

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

function plainString(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = Math.min(schema.minLength ?? 0, MAX_GENERATED_LENGTH);
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_GENERATED_LENGTH, MAX_GENERATED_LENGTH));
  return fc.string({ minLength, maxLength, unit: fc.constantFrom(...PLAIN_CHARACTERS) });
}

function formattedString(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') {
    const [min, max] = [new Date('2020-01-01T00:00:00Z'), new Date('2030-12-31T00:00:00Z')];
    return fc.date({ min, max, noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (schema.format === 'uri') return fc.constantFrom(...URLS);
  if (!schema.pattern) return plainString(schema);
  try {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 10_000));
  } catch {
    // A pattern fast-check cannot generate from (lookaheads): plain strings, mostly refused.
    return plainString(schema);
  }
}

function stringArb(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<string> {
  const base = formattedString(schema);
  const hinted = hints[name];
  if (!hinted?.length) return base;
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: base });
}

function integerArb(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const above = Math.max(min, 0) + 1000;
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : above);
  const ints = fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) });
  const hinted = hints[name];
  return hinted?.length ? fc.oneof(fc.constantFrom(...hinted.map(Number)), ints) : ints;
}

function objectArb(schema: JsonSchema, name: string, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, s] of Object.entries(schema.properties ?? {})) record[key] = valueArb(s, key, hints, depth + 1);
  if (Object.keys(record).length) {
    return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in record) });
  }
  if (typeof schema.additionalProperties !== 'object') return fc.constant({});
  const values = valueArb(schema.additionalProperties, name, hints, depth + 1);
  return fc.dictionary(fc.constantFrom('a', 'b', 'CNHAK-XINHAI'), values, { maxKeys: 2 });
}

function arrayArb(schema: JsonSchema, name: string, hints: Hints, depth: number): fc.Arbitrary<unknown[]> {
  const item = schema.items ? valueArb(schema.items, name, hints, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  const minLength = Math.min(schema.minItems ?? 0, MAX_GENERATED_ITEMS);
  const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS));
  return fc.array(item, { minLength, maxLength });
}

/** A value the schema accepts as far as JSON Schema can say (check digits and existing rows come from hints). */
export function valueArb(schema: JsonSchema, name: string, hints: Hints, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => valueArb(s, name, hints, depth + 1)));
  if (schema.allOf?.length) return valueArb(schema.allOf[0]!, name, hints, depth + 1);
  switch (typeOf(schema)) {
    case 'string':
      return stringArb(schema, name, hints);
    case 'integer':
      return integerArb(schema, name, hints);
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayArb(schema, name, hints, depth);
    case 'object':
      return objectArb(schema, name, hints, depth);
    default:
      // No type: a free-form JSON value.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values and mutations

/** Placeholders replaced in the JSON text by what JSON.stringify cannot write. */
const RAW: Record<string, string> = {
  '@@huge@@': '1e400',
  '@@-huge@@': '-1e400',
  '@@tiny@@': '1e-400',
  '@@bigint@@': '123456789012345678901234567890',
  '@@deep@@': '['.repeat(100_000) + ']'.repeat(100_000),
  '@@deepobj@@': '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  '@@proto@@': '{"__proto__":{"admin":true},"a":1}',
  '@@ctor@@': '{"constructor":{"prototype":{"admin":true}}}',
  '@@dupkey@@': '{"a":1,"a":2}',
};

const HOSTILE_TEXT = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '',
  ' ',
  '\t\n',
  'A'.repeat(10_000),
  '😀🇨🇳',
  '\u202eRTL',
  "' or 1=1 --",
  '%00',
  '../../etc/passwd',
  'abc',
  'NaN',
  'Infinity',
  '1e400',
  '-1',
  '__proto__',
  'constructor',
  '0000-01-01',
  '9999-12-31',
  '2026-02-30',
  '-0001-01-01',
  '2026-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

const HOSTILE_OTHER: unknown[] = [
  -1,
  0,
  1.5,
  -0.5,
  2 ** 31,
  2 ** 53 + 1,
  1e20,
  -1e20,
  Number.MAX_VALUE,
  true,
  false,
  null,
  [],
  {},
  [null],
  ['a\u0000'],
  { a: 'b' },
  { '': 1 },
  { 'a\u0000': 1 },
  Array.from({ length: 1000 }, (_, i) => i),
];

export const HOSTILE_VALUES: readonly unknown[] = [...HOSTILE_TEXT, ...HOSTILE_OTHER, ...Object.keys(RAW)];

export type Mutation = { kind: string; detail: string };
type Path = (string | number)[];
type Mutated = { text: string; mutation: Mutation };

/** Every path (list of keys) into a JSON value, the root included. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  }
  return out;
}

/** The parent of a path in a copy of the root, and the last key. */
type Node = Record<string | number, unknown>;

function parentIn(root: unknown, path: Path): { copy: unknown; parent: Node; key: string | number } {
  const copy = structuredClone(root);
  let parent = copy as Node;
  for (const key of path.slice(0, -1)) parent = parent[key] as Node;
  return { copy, parent, key: path[path.length - 1]! };
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const { copy, parent, key } = parentIn(root, path);
  parent[key] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const { copy, parent, key } = parentIn(root, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return copy;
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Node)[key], root);
}

/** Serialises a body, writing the raw placeholders as they are (numbers JSON.stringify cannot write, deep nesting). */
export function bodyText(value: unknown): string {
  let text = JSON.stringify(value) ?? '';
  for (const [marker, raw] of Object.entries(RAW)) text = text.split(JSON.stringify(marker)).join(raw);
  return text;
}

const BROKEN_JSON = ['{"a":', '{"a":1}}', '\u0000', '[', '{"a":"\\ud800"', '"\\u0000"', 'nul', '{"a":01}', '\ufeff{}'];
const EXTRA_KEYS = ['unknownField', '__proto__', 'constructor', 'a\u0000'];
const describePath = (p: Path) => p.join('.') || '(root)';
const NOT_JSON: Mutation = { kind: 'json', detail: 'not JSON' };

/** A hostile version of a generated body: a field replaced, dropped or added, or text that is not JSON. */
export function mutateBody(value: unknown): fc.Arbitrary<Mutated> {
  const paths = pathsOf(value);
  const inner = paths.filter((p) => p.length > 0);
  const objects = paths.filter((p) => {
    const v = valueAt(value, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  const replace = fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...HOSTILE_VALUES)).map(([p, v]) => ({
    text: bodyText(setAt(value, p, v)),
    mutation: { kind: 'value', detail: `${describePath(p)} = ${JSON.stringify(v)?.slice(0, 40)}` },
  }));
  const options: fc.WeightedArbitrary<Mutated>[] = [
    { weight: 8, arbitrary: replace },
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_JSON).map((text) => ({ text, mutation: NOT_JSON })) },
  ];
  if (inner.length) {
    const drop = fc.constantFrom(...inner).map((p) => ({
      text: bodyText(deleteAt(value, p)),
      mutation: { kind: 'drop', detail: describePath(p) },
    }));
    options.push({ weight: 2, arbitrary: drop });
  }
  if (objects.length) {
    const extra = fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...EXTRA_KEYS)).map(([p, k]) => ({
      // A computed key makes "__proto__" an own property, so JSON.stringify writes it.
      text: bodyText(setAt(value, p, { ...(valueAt(value, p) as object), [k]: 1 })),
      mutation: { kind: 'extraKey', detail: `${describePath(p)}.${k}` },
    }));
    options.push({ weight: 2, arbitrary: extra });
  }
  return fc.oneof(...options);
}

export function queryText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
}

/** Query-string values that break the encoding or the type; each is spliced in raw. */
const RAW_QUERY_VALUES = [
  '%00',
  '%ED%A0%80',
  '%C0%AE',
  '%',
  '%zz',
  '%E0%A4%A',
  'a%00b',
  '%F0%9F%98%80',
  '+',
  '%2B%2F',
  'A'.repeat(5000),
  '0000-01-01',
  'abc',
  '-1',
  '1e400',
  '99999999999999999999999',
  '__proto__',
  '',
];
const RAW_QUERY_KEYS = ['__proto__', 'constructor', 'unknown', 'a%00', '%ED%A0%80', '[]', 'a[b]'];
const joinQuery = (...parts: string[]) => parts.filter(Boolean).join('&');

/** A hostile query string: a value replaced by raw text, a key repeated, or a key the route does not know. */
export function mutateQuery(params: Record<string, unknown>, names: string[]): fc.Arbitrary<Mutated> {
  const keys = names.length ? names : ['q'];
  const value = fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...RAW_QUERY_VALUES)).map(([k, raw]) => ({
    text: joinQuery(queryText({ ...params, [k]: undefined }), `${encodeURIComponent(k)}=${raw}`),
    mutation: { kind: 'queryValue', detail: `${k}=${raw.slice(0, 30)}` },
  }));
  const repeat = fc.constantFrom(...keys).map((k) => ({
    text: joinQuery(queryText(params), `${encodeURIComponent(k)}=1`, `${encodeURIComponent(k)}=2`),
    mutation: { kind: 'queryRepeat', detail: k },
  }));
  const unknown = fc.constantFrom(...RAW_QUERY_KEYS).map((k) => ({
    text: joinQuery(queryText(params), `${k}=1`),
    mutation: { kind: 'queryKey', detail: k },
  }));
  return fc.oneof({ weight: 6, arbitrary: value }, { weight: 2, arbitrary: repeat }, { weight: 2, arbitrary: unknown });
}

/** Path segments that are not what the route expects, raw (already encoded or deliberately broken). */
export const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%2e%2e',
  '%2F',
  '%',
  '%zz',
  'A'.repeat(3000),
  '-1',
  '0',
  '1.5',
  '1e400',
  '99999999999999999999999',
  '9007199254740993',
  '%20',
  '__proto__',
  'constructor',
  'latest',
  '00000000-0000-0000-0000-000000000000',
  '0000-01-01',
  '%E4%B8%AD',
];

export function fillPath(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? 'x');
}
