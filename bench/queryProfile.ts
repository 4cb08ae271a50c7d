/**
 * What the profiling benches (exitProfile, dutyfreeProfile, firstline) share: a count of the statements
 * a database connection sends and of the round trips they take (counted on the client: statements sent
 * in one tick travel together, one round trip), the texts sent most often, and a V8 CPU profile of the
 * measured work when an environment variable names a file for it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface QueryCount {
  statements: number;
  rounds: number;
  texts: Map<string, number>;
}

/** Pass `onQuery` to `openDatabase`; `take()` returns what was sent since the last take and starts again. */
export function queryCounter() {
  let current: QueryCount = { statements: 0, rounds: 0, texts: new Map() };
  let inTick = false;
  const onQuery = (q: string) => {
    current.statements++;
    const key = q.replace(/\s+/g, ' ').slice(0, 110);
    current.texts.set(key, (current.texts.get(key) ?? 0) + 1);
    if (!inTick) {
      current.rounds++;
      inTick = true;
      setImmediate(() => {
        inTick = false;
      });
    }
  };
  const take = (): QueryCount => {
    const taken = current;
    current = { statements: 0, rounds: 0, texts: new Map() };
    return taken;
  };
  return { onQuery, take };
}

/** "12.0 statements and 9.0 round trips per <what>". */
export const perUnit = (c: QueryCount, n: number, what: string) =>
  `${(c.statements / n).toFixed(1)} statements and ${(c.rounds / n).toFixed(1)} round trips per ${what}`;

/** The texts sent, most frequent first, each with how many times per unit of work. */
export function textLines(c: QueryCount, n: number, limit = Number.POSITIVE_INFINITY): string[] {
  return [...c.texts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([text, count]) => `${(count / n).toFixed(2).padStart(6)}  ${text}`);
}

/**
 * Samples the CPU (every 200 µs) when the environment variable `envVar` names a file; `stop()` writes
 * the profile there (open it in Chrome's DevTools). Without the variable both are no-ops.
 */
export async function cpuProfile(envVar: string): Promise<{ stop(): Promise<void> }> {
  const out = process.env[envVar];
  if (!out) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(out, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
