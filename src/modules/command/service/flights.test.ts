import { describe, expect, it } from 'vitest';
import { singleFlight } from './flights.ts';

describe('one summary computation for many readers', () => {
  it('readers of one computation share it; a new event or a finished computation starts another', async () => {
    let computed = 0;
    let version = 1;
    const pending: (() => void)[] = [];
    const read = singleFlight(
      async (w: string) => {
        const n = ++computed;
        await new Promise<void>((r) => pending.push(r));
        return `${w}#${n}`;
      },
      () => version,
    );
    const finishAll = () => pending.splice(0).forEach((r) => r());

    const a = read('today');
    const b = read('today');
    const other = read('24h');
    expect(computed).toBe(2);
    // An event delivered meanwhile: a reader that asks now must not get figures from before it.
    version++;
    const c = read('today');
    expect(computed).toBe(3);
    finishAll();
    expect(await a).toBe('today#1');
    expect(await b).toBe('today#1');
    expect(await other).toBe('24h#2');
    expect(await c).toBe('today#3');
    // Done: the next reader computes afresh.
    const d = read('today');
    finishAll();
    expect(await d).toBe('today#4');
  });
});
