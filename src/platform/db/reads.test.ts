import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { Database, Db } from './client.ts';
import { ReadRouter, type ReadReason, type ReadTarget } from './reads.ts';

/**
 * The routing rule of replica-tolerant reads, without servers: `run` hands each read the handle it
 * chose, and the reads here only say which one they got (or fail as a lost replica would).
 * test/platform/readReplica.int.test.ts checks the same on a real primary and streaming replica.
 */
const handle = (name: string): Database =>
  ({ kind: 'postgres', db: { name } as unknown as Db, location: name, close: async () => {} }) as Database;
const primary = handle('primary');
const replica = handle('replica');
const nameOf = (db: Db) => (db as unknown as { name: string }).name;

function router(withReplica = true) {
  const reads: [ReadTarget, ReadReason][] = [];
  const r = new ReadRouter(primary, withReplica ? replica : undefined, {
    ownWriteSeconds: 5,
    maxLagSeconds: 30,
    log: pino({ level: 'silent' }),
    onRead: (target, reason) => reads.push([target, reason]),
  });
  return { r, reads };
}

const where = (r: ReadRouter, req = {}) => r.run(req, async (db) => nameOf(db));

afterEach(() => {
  vi.useRealTimers();
});

describe('ReadRouter', () => {
  it('without a replica, every read runs on the primary (and is not counted)', async () => {
    const { r, reads } = router(false);
    expect(await where(r)).toBe('primary');
    expect(r.status()).toBeNull();
    expect(reads).toEqual([]);
  });

  it('reads the replica unless asked for the primary', async () => {
    const { r, reads } = router();
    expect(await where(r, { who: 'user:a' })).toBe('replica');
    expect(await where(r, { who: 'user:a', primary: true })).toBe('primary');
    expect(reads).toEqual([
      ['replica', 'replica'],
      ['primary', 'asked'],
    ]);
  });

  it("keeps a caller's reads on the primary for the window after its write, and only that caller's", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T10:00:00Z'));
    const { r } = router();
    r.noteWrite('user:a');
    vi.setSystemTime(new Date('2026-12-07T10:00:04.900Z'));
    expect(r.choose({ who: 'user:a' })).toEqual({ target: 'primary', reason: 'own-write' });
    expect(r.choose({ who: 'user:b' })).toEqual({ target: 'replica', reason: 'replica' });
    expect(r.choose({})).toEqual({ target: 'replica', reason: 'replica' });
    vi.setSystemTime(new Date('2026-12-07T10:00:05Z'));
    expect(r.choose({ who: 'user:a' })).toEqual({ target: 'replica', reason: 'replica' });
  });

  it('runs a read the replica cannot reach again on the primary, and routes around the replica after', async () => {
    const { r, reads } = router();
    const lost = Object.assign(new Error('Failed query'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const ran: string[] = [];
    const got = await r.run({}, async (db) => {
      ran.push(nameOf(db));
      if (nameOf(db) === 'replica') throw lost;
      return 'rows';
    });
    expect(got).toBe('rows');
    expect(ran).toEqual(['replica', 'primary']);
    expect(r.status()).toMatchObject({ state: 'down', lagSeconds: null, error: 'Failed query' });
    expect(await where(r)).toBe('primary');
    expect(reads).toEqual([
      ['primary', 'replica-failed'],
      ['primary', 'replica-down'],
    ]);
  });

  it('a recovery conflict runs the read on the primary without marking the replica down', async () => {
    const { r } = router();
    const conflict = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' });
    const got = await r.run({}, async (db) => {
      if (nameOf(db) === 'replica') throw conflict;
      return nameOf(db);
    });
    expect(got).toBe('primary');
    expect(r.status()?.state).toBe('unknown');
    expect(await where(r)).toBe('replica');
  });

  const ownFailure =
    "a read's own failure (a refused filter, a missing row) is the answer, not a reason to try the primary";
  it(ownFailure, async () => {
    const { r } = router();
    const ran: string[] = [];
    const notFound = Object.assign(new Error('not found'), { status: 404 });
    await expect(
      r.run({}, async (db) => {
        ran.push(nameOf(db));
        throw notFound;
      }),
    ).rejects.toBe(notFound);
    expect(ran).toEqual(['replica']);
  });
});
