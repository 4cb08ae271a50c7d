import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7, uuidv7Ordered } from './ids.ts';

const msOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7Ordered', () => {
  it('sorts in the order it was called, within one millisecond and when the clock steps back', () => {
    const at = Date.UTC(2026, 2, 1, 4);
    const ids = [
      ...Array.from({ length: 5000 }, () => uuidv7Ordered(at)),
      uuidv7Ordered(at - 60_000),
      uuidv7Ordered(at + 1),
    ];
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is a well-formed version 7 UUID carrying the time', () => {
    const at = Date.UTC(2030, 0, 1);
    const id = uuidv7Ordered(at);
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(msOf(id)).toBe(at);
  });
});

describe('uuidv7', () => {
  it(
    'is a well-formed version 7 UUID carrying the time, different every time ' + '(across refills of its random pool)',
    () => {
      const at = Date.UTC(2031, 5, 30, 23, 59, 59, 999);
      const ids = Array.from({ length: 1000 }, () => uuidv7(at));
      for (const id of ids) {
        expect(id).toMatch(UUID_PATTERN);
        expect(id[14]).toBe('7');
        expect(['8', '9', 'a', 'b']).toContain(id[19]);
        expect(msOf(id)).toBe(at);
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(msOf(uuidv7(2 ** 48 - 1))).toBe(2 ** 48 - 1);
    },
  );
});
