/** Time is passed in, never read inside rules; services take a Clock so tests and simulations can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock & { set(d: Date): void; advance(ms: number): void } {
  let t = at.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Business dates are Asia/Shanghai calendar dates (UTC+8, no daylight saving). */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
