import { describe, expect, it } from 'vitest';

/**
 * Table names come from the Drizzle schema, not from text (issue 16): raw SQL interpolates the table
 * object (`${declarations}` in a `sql` template) or a name built once with `getTableName` (hot paths'
 * constant statements). A table renamed in its schema then moves every statement with it, and a
 * statement naming a table no schema declares cannot be written. This reads every source (tests,
 * migrations and the schema files aside) and fails on a schema table's name written inside SQL.
 */
const files = import.meta.glob<string>(['./**/*.ts', '!./**/*.test.ts', '!./**/migrations/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Files that declare tables (`pgTable('name', …)`): where a table's name is written, once. */
const schemaFiles = Object.entries(files).filter(([, text]) => /\bpgTable\(/.test(text));
const TABLES = new Set(
  schemaFiles.flatMap(([, text]) => [...text.matchAll(/\bpgTable\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]!)),
);

/**
 * Where a table's name stays text, each with its reason: `file: table` → why. Keep it short: a new
 * entry needs a reason that the schema's own object cannot serve.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  // Payments reads every bill in one documented union; declarations and the first line import
  // payments' service, so importing their tables back would make the modules import each other.
  './modules/payments/service/store.ts: decl_tax_bills': 'no import back into declarations (cycle)',
  './modules/payments/service/store.ts: firstline_bills': 'no import back into the first line (cycle)',
  // An OpenAPI tag that happens to be spelt like the licences table: no SQL.
  './modules/licence/routes.ts: licences': 'an OpenAPI tag',
};

interface Literal {
  /** The literal's text (a template's text parts, its `${…}` expressions blanked out). */
  text: string;
  /** Offset of `text`'s first character in the source (characters map one to one). */
  start: number;
  /** A `sql` tagged template. */
  tagged: boolean;
}

/**
 * The string and template literals of a TypeScript source, comments skipped. A template's `${…}`
 * expressions are code (their own literals are returned separately) and are blanked out of its text,
 * so the text keeps the source's offsets. Regular expression literals are skipped after an operator.
 */
function literalsOf(src: string): Literal[] {
  const out: Literal[] = [];
  // Open templates, innermost last: the literal being built and the brace depth its `${` opened at.
  const templates: { literal: Literal; depth: number }[] = [];
  let depth = 0;
  let i = 0;
  let lastCode = '';
  const readTemplate = (literal: Literal) => {
    // From i (inside a template's text) to its closing backtick or to a `${`.
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') {
        literal.text += '  ';
        i += 2;
      } else if (c === '`') {
        i++;
        out.push(literal);
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        literal.text += '  ';
        i += 2;
        templates.push({ literal, depth });
        depth++;
        return;
      } else {
        literal.text += c;
        i++;
      }
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      i = src.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && next === '*') {
      i = src.indexOf('*/', i + 2) + 2;
      if (i < 2) break;
    } else if (c === "'" || c === '"') {
      const start = ++i;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      out.push({ text: src.slice(start, i), start, tagged: false });
      i++;
      lastCode = c;
    } else if (c === '`') {
      const tagged = /\bsql\s*$/.test(src.slice(Math.max(0, i - 8), i));
      i++;
      readTemplate({ text: '', start: i, tagged });
      lastCode = c;
    } else if (c === '/' && (lastCode === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastCode))) {
      // A regular expression literal: skip it (a quote inside is no string).
      i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      lastCode = '/';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        const open = templates.at(-1);
        if (open && open.depth === depth) {
          templates.pop();
          i++;
          open.literal.text = open.literal.text.padEnd(i - open.literal.start);
          readTemplate(open.literal);
          lastCode = '`';
          continue;
        }
      }
      if (!/\s/.test(c)) lastCode = /[A-Za-z0-9_$]/.test(c) ? 'a' : c;
      i++;
    }
  }
  return out;
}

/** A string (not a `sql` template) that reads as a statement: every word of it is checked. */
const STATEMENT =
  /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|truncate|lock\s+table|alter\s+table)\b/i;
/** In any other string, a name right after one of these words is a table named as text (a fragment). */
const AFTER_KEYWORD = /\b(?:from|join|into|update|table)\s+"?$/i;

/**
 * The schema tables a source names inside its SQL literals, with their lines: any table's name as a
 * word of a `sql` template or of a string that reads as SQL, and any string that is a table's name
 * and nothing else (a list of names for statements built later, `delete from ${table}`).
 */
function tablesNamedIn(src: string, tables: ReadonlySet<string>) {
  const found: { line: number; table: string }[] = [];
  const lineOf = (offset: number) => src.slice(0, offset).split('\n').length;
  for (const lit of literalsOf(src)) {
    // A name alone, but not a property's (`SimTrader['qualifications']`).
    const element = /[\w$\])]\s*\[$/.test(src.slice(Math.max(0, lit.start - 40), lit.start - 1));
    if (tables.has(lit.text.trim()) && !element) {
      found.push({ line: lineOf(lit.start), table: lit.text.trim() });
      continue;
    }
    const everyWord = lit.tagged || STATEMENT.test(lit.text);
    for (const m of lit.text.matchAll(/[a-z][a-z0-9_]*/gi)) {
      if (!tables.has(m[0])) continue;
      const before = lit.text[m.index - 1];
      if (before !== undefined && /[A-Za-z0-9_]/.test(before)) continue;
      if (!everyWord && !AFTER_KEYWORD.test(lit.text.slice(0, m.index))) continue;
      found.push({ line: lineOf(lit.start + m.index), table: m[0] });
    }
  }
  return found;
}

describe('table names come from the schema', () => {
  it('finds a table named in a sql template, a statement, a fragment or a list, not in prose or comments', () => {
    const tables = new Set(['decl_declarations', 'enterprises', 'audit_heads']);
    // `#{` stands for a template's `${` (a string may not hold one).
    const src = [
      '// select * from decl_declarations (a comment)',
      'const a = sql`select d.id from #{declarations} d join enterprises e on e.id = d.enterprise_id`;',
      "const b = 'update audit_heads set pseq = $1 where partition = $2';",
      "const c = ` left join decl_declarations d on #{x ? sql`d.id = audit_heads.id` : ''}`;",
      "const d = ['enterprises'];",
      "const e = 'Goods bought from upstream processing enterprises';",
      "const f = /from decl_declarations ' /;",
      "const g = `#{'x'}enterprises_id`;",
      "type H = Row['enterprises'];",
    ]
      .join('\n')
      .replaceAll('#{', '$' + '{');
    expect(tablesNamedIn(src, tables)).toEqual([
      { line: 2, table: 'enterprises' },
      { line: 3, table: 'audit_heads' },
      { line: 4, table: 'audit_heads' },
      { line: 4, table: 'decl_declarations' },
      { line: 5, table: 'enterprises' },
    ]);
  });

  it("keeps each literal at its offset in the source (a template's expressions blanked out)", () => {
    for (const [file, text] of Object.entries(files))
      for (const lit of literalsOf(text))
        for (let k = 0; k < lit.text.length; k++)
          if (lit.text[k] !== ' ' && lit.text[k] !== text[lit.start + k])
            expect.fail(`${file}: literal at ${lit.start} is off at ${k}`);
  });

  it('reads the tables of every schema file', () => {
    expect(schemaFiles.length).toBeGreaterThanOrEqual(20);
    expect(TABLES.size).toBeGreaterThanOrEqual(100);
    expect(TABLES).toContain('decl_declarations');
  });

  const schema = new Set(schemaFiles.map(([file]) => file));
  const found = Object.entries(files)
    .filter(([file]) => !schema.has(file))
    .flatMap(([file, text]) => tablesNamedIn(text, TABLES).map((f) => ({ file, ...f })));

  it('no SQL outside the schema files names a table as text', () => {
    const named = found
      .filter(({ file, table }) => !ALLOWED[`${file}: ${table}`])
      .map(({ file, line, table }) => `${file}:${line} ${table}`);
    expect(named).toEqual([]);
  });

  it('every allowed exception is still needed', () => {
    const used = new Set(found.map(({ file, table }) => `${file}: ${table}`));
    expect(Object.keys(ALLOWED).filter((key) => !used.has(key))).toEqual([]);
  });
});
