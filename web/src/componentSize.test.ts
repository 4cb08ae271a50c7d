import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A component longer than this is split into parts with names of their own. */
const MAX_LINES = 150;

/**
 * Components still being split, relative to web/src. This list must shrink to empty: remove a file as soon
 * as it is within the limit (the test fails while a file listed here is already short enough), and never add one.
 */
const NOT_YET_SPLIT = new Set<string>([]);

const root = fileURLToPath(new URL('.', import.meta.url));

function components(): { file: string; lines: number }[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      return { file: f.split('\\').join('/'), lines };
    });
}

describe(`web components are at most ${MAX_LINES} lines`, () => {
  const all = components();

  it('finds the components', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it(`no .tsx file under web/src is over ${MAX_LINES} lines, but those still being split`, () => {
    const long = all.filter((c) => c.lines > MAX_LINES && !NOT_YET_SPLIT.has(c.file));
    expect(long.map((c) => `${c.file}: ${c.lines} lines`)).toEqual([]);
  });

  it('every file on the list of those still being split exists and is still too long (else take it off)', () => {
    const lines = new Map(all.map((c) => [c.file, c.lines]));
    const stale = [...NOT_YET_SPLIT].filter((f) => (lines.get(f) ?? 0) <= MAX_LINES);
    expect(stale.map((f) => `${f}: ${lines.get(f) ?? 'missing'}`)).toEqual([]);
  });
});
