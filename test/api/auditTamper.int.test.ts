import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../support/db.ts';
import type { Database } from '../../src/platform/db/client.ts';
import { appendAudit, verifyChain } from '../../src/platform/audit/service.ts';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** Tampering happens below the application: the tamperer has disabled the append-only trigger. */
async function asTamperer(statement: ReturnType<typeof sql>) {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_entries disable trigger audit_entries_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_entries enable trigger audit_entries_append_only`);
  });
}

beforeEach(async () => {
  await asTamperer(sql`delete from audit_entries`);
  for (let i = 0; i < 10; i++) {
    await database.db.transaction((tx) => appendAudit(tx, { actor: 'user:test', action: 'thing.do', subject: `thing:${i}`, change: { i, amount: `${i}.50` }, at: new Date(Date.UTC(2026, 10, 23, 0, 0, i)) }));
  }
});

describe('audit chain tamper detection', () => {
  it('an intact chain verifies', async () => {
    expect(await verifyChain(database.db, undefined, 3)).toMatchObject({ ok: true, checked: 10, headSeq: 10 });
  });

  it('editing the content of an entry is detected at that entry', async () => {
    await asTamperer(sql`update audit_entries set change = '{"amount":"9999.50","i":4}' where seq = 5`);
    const r = await verifyChain(database.db, undefined, 3);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toMatchObject({ seq: 5, reason: expect.stringContaining('altered') });
  });

  it('editing an entry and recomputing its hash is detected at the next entry', async () => {
    await asTamperer(sql`update audit_entries set actor = 'user:mallory', hash = repeat('a', 64) where seq = 7`);
    const r = await verifyChain(database.db);
    expect(r.firstBreak?.seq).toBe(7);
  });

  it('deleting an entry is detected as a gap', async () => {
    await asTamperer(sql`delete from audit_entries where seq = 3`);
    const r = await verifyChain(database.db, undefined, 4);
    expect(r.firstBreak).toMatchObject({ seq: 3, reason: expect.stringContaining('missing') });
  });

  it('reordering two entries is detected', async () => {
    await asTamperer(sql`update audit_entries set seq = -6 where seq = 6`);
    await asTamperer(sql`update audit_entries set seq = 6 where seq = 8`);
    await asTamperer(sql`update audit_entries set seq = 8 where seq = -6`);
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(false);
    expect(r.firstBreak?.seq).toBe(6);
  });

  it('changing the time of an entry is detected', async () => {
    await asTamperer(sql`update audit_entries set at = at + interval '1 hour' where seq = 2`);
    expect((await verifyChain(database.db)).firstBreak?.seq).toBe(2);
  });
});
