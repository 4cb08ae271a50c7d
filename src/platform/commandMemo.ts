import type { Executor } from './db/client.ts';

/**
 * Reads a command repeats, made once per command. An exit asked for its enterprise four times and
 * its qualifications twice; a first-line declaration its qualifications five times (one check per
 * rule, each module asking on its own): one statement each, some 10 % of their statements. Inside a
 * command's transaction (runCommand marks it) the first read's promise is kept for the rest of the
 * command, keyed by what was read, so the command also decides on one reading throughout, where
 * separate reads could each see another concurrent commit under read-committed.
 *
 * A module memoises only reads of rows it alone writes, and its writers forget the key in the same
 * transaction before writing (`forgetInCommand`), so a command sees its own change. Outside a
 * command (the database handle, a transaction runCommand did not open) nothing is kept.
 * Values are shared by every caller in the command: frozen, so changing one in place fails loudly.
 */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Called by runCommand for its transaction; nothing else opens a memo. */
export function openCommandMemo(tx: object): void {
  memos.set(tx, new Map());
}

export function memoInCommand<T>(ex: Executor, key: string, load: () => Promise<T>): Promise<T> {
  const memo = memos.get(ex);
  if (!memo) return load();
  let held = memo.get(key) as Promise<T> | undefined;
  if (!held) {
    held = load().then((v) => (v && typeof v === 'object' ? Object.freeze(v) : v));
    memo.set(key, held);
    // A failed read is not kept (the command may catch it and go on, e.g. to a retry).
    held.catch(() => memo.get(key) === held && memo.delete(key));
  }
  return held;
}

/** Drops what the command holds under `key` (a writer, before it writes those rows). */
export function forgetInCommand(ex: Executor, key: string): void {
  memos.get(ex)?.delete(key);
}

/** Drops every key beginning with `prefix` (a writer whose rows several keys were read from). */
export function forgetAllInCommand(ex: Executor, prefix: string): void {
  const memo = memos.get(ex);
  if (!memo) return;
  for (const key of memo.keys()) if (key.startsWith(prefix)) memo.delete(key);
}
