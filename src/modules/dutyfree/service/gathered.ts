/**
 * One statement for the same step of many requests. The requests of a group (group.ts) run side by
 * side on one transaction and reach the same step in the same turn of the event loop; a step written
 * with `gathered` collects the calls made on one transaction until the next turn (setImmediate) and
 * answers them all with one call of `run`: the inputs in the order of the calls, one answer per input
 * in that order. A request alone (a group of one, or a transaction of its own) gets the same
 * statements for one input. A request that reaches the step later than the others (it waited for
 * something they did not) is answered by a second call of `run`: more statements, the same answers.
 *
 * A failure of `run` (a statement failed, so the transaction has) is every caller's failure: the
 * group is decided again (group.ts). `run` must issue its statements before awaiting anything else,
 * so they travel in the order the steps were reached.
 */
import type { Tx } from '../../../platform/db/client.ts';

interface Pending<I, A> {
  inputs: I[];
  settle: { resolve: (a: A) => void; reject: (err: unknown) => void }[];
}

export function gathered<I, A>(run: (tx: Tx, inputs: I[]) => Promise<A[]>): (tx: Tx, input: I) => Promise<A> {
  const pending = new WeakMap<Tx, Pending<I, A>>();
  return (tx, input) =>
    new Promise<A>((resolve, reject) => {
      let p = pending.get(tx);
      if (!p) {
        const gathering: Pending<I, A> = { inputs: [], settle: [] };
        pending.set(tx, gathering);
        setImmediate(() => {
          pending.delete(tx);
          run(tx, gathering.inputs).then(
            (answers) => gathering.settle.forEach((s, k) => s.resolve(answers[k]!)),
            (err: unknown) => gathering.settle.forEach((s) => s.reject(err)),
          );
        });
        p = gathering;
      }
      p.inputs.push(input);
      p.settle.push({ resolve, reject });
    });
}
