/**
 * The phases of a start, for `tidegate serve --timings` and the start-up benchmark: each mark ends
 * the phase since the previous one. The first phase ("load") is the time from the process start to
 * the first mark: Node, tsx and every module imported.
 */
export class Timings {
  private last = 0;
  readonly phases: { name: string; ms: number }[] = [];

  constructor() {
    this.last = 0; // performance.now() counts from the process start
  }

  /** Ends the current phase under `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.phases.push({ name, ms: now - this.last });
    this.last = now;
  }

  /** Runs one phase. */
  async time<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.mark('(between)');
    const result = await run();
    this.mark(name);
    return result;
  }

  /** One line: `timings: load 1234 ms, migrations 56 ms, … total 2345 ms`. */
  line(): string {
    const shown = this.phases.filter((p) => p.name !== '(between)' || p.ms >= 1);
    const total = shown.reduce((s, p) => s + p.ms, 0);
    return `timings: ${shown.map((p) => `${p.name} ${p.ms.toFixed(0)} ms`).join(', ')}; total ${total.toFixed(0)} ms`;
  }
}

/** A mark on an optional recorder. */
export const mark = (timings: Timings | undefined, name: string): void => timings?.mark(name);
