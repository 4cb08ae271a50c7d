import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tx } from './db/client.ts';

/**
 * What a request that carries an Idempotency-Key asks of the commands it runs (http/idempotency.ts):
 * each command, in its own transaction, records that it committed and what it returned; after a
 * crash, a retry of the request gets the recorded results back instead of running the commands again.
 */
export interface CommandRecorder {
  /** Before command number `index` of the request runs: its recorded result, when it already committed once. */
  recorded(index: number): { value: unknown } | undefined;
  /** Inside the command's transaction, after it ran. Throws when the request no longer holds its claim. */
  committing(tx: Tx, index: number, result: unknown): Promise<void>;
}

export interface RequestScope {
  recorder: CommandRecorder | undefined;
  /** Commands the request has started so far. */
  commands: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `fn` outside any request's scope. Work a request starts but that serves others (an outbox
 * delivery round, a batch of gate events decided together) must not record into that request.
 */
export function outsideRequestScope<T>(fn: () => T): T {
  return requestScope.exit(fn);
}
