import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../support/db.ts';
import { queryRows, type Database } from '../../src/platform/db/client.ts';
import { simulate, type SimulateResult } from '../../sim/scale/simulate.ts';
import { verifyChain } from '../../src/platform/audit/service.ts';
import { verifyLedger } from '../../src/modules/ledger/service.ts';

/**
 * The bulk simulator at CI's scale (0.001 of a year of the island: 70 enterprises, about 10,000
 * exit declarations and 90,000 movements): what it writes passes both verifiers in full; a second
 * simulated year is then verified incrementally (only what was added since the checkpoint); the
 * same seed writes the same rows (and the same audit chain). `TIDEGATE_SIM_SCALE` overrides the scale.
 */
const SCALE = Number(process.env.TIDEGATE_SIM_SCALE ?? '0.001');
let database: Database;
let first: SimulateResult;

const count = async (table: string) =>
  Number((await queryRows<{ n: string }>(database.db, sql.raw(`select count(*)::text as n from ${table}`)))[0]!.n);

beforeAll(async () => {
  database = await openTestDatabase();
  first = await simulate(database, { year: 2026, scale: SCALE, seed: 1 });
}, 900_000);

afterAll(async () => {
  await database?.close();
});

describe('tidegate simulate', () => {
  it('writes a year whose books balance and whose audit chains hold, in full', async () => {
    expect(first.enterprises).toBe(Math.max(3, Math.round(70_000 * SCALE)));
    expect(first.exits).toBeGreaterThan(0.8 * 10_000_000 * SCALE);
    expect(first.imports).toBeGreaterThan(0.8 * 2_000_000 * SCALE);
    expect(await count('ledger_movements')).toBe(first.movements);
    expect(await count('audit_entries')).toBe(first.auditEntries);
    expect(await count('decl_declarations')).toBe(first.exits);
    expect(await count('gate_events')).toBe(first.exits);
    // Gate passes at all 10 ports, none outside the gates' hours (06:00-22:00 Beijing), fewer on holidays.
    const ports = await queryRows<{ port_code: string }>(database.db, sql`select distinct port_code from gate_events`);
    expect(ports.length).toBe(10);
    const [hours] = await queryRows<{ night: string; festival: string; ordinary: string }>(
      database.db,
      sql`select count(*) filter (where extract(hour from occurred_at at time zone 'Asia/Shanghai') < 6)::text as night,
                 count(*) filter (where occurred_at >= '2026-02-16' and occurred_at < '2026-02-23')::text as festival,
                 count(*) filter (where occurred_at >= '2026-03-16' and occurred_at < '2026-03-23')::text as ordinary
          from gate_events`,
    );
    expect(Number(hours!.night)).toBe(0);
    expect(Number(hours!.festival)).toBeLessThan(Number(hours!.ordinary) / 2);

    const ledger = await verifyLedger(database.db, { saveCheckpoint: true });
    expect(ledger.firstProblem).toBeNull();
    expect(ledger.ok).toBe(true);
    expect(ledger.books).toBe(first.enterprises);
    expect(ledger.movements).toBe(first.movements);
    const audit = await verifyChain(database.db, undefined, 5000, { saveCheckpoint: true });
    expect(audit.breaks).toEqual([]);
    expect(audit.checked).toBe(first.auditEntries);
    expect(audit.anchors).toBe(1);
  });

  it('verifies a second year incrementally: only what was added since the checkpoint', async () => {
    const second = await simulate(database, { year: 2027, scale: SCALE / 4, seed: 2 });
    const audit = await verifyChain(database.db, undefined, 5000, { incremental: true, saveCheckpoint: true });
    expect(audit.breaks).toEqual([]);
    expect(audit.checked).toBe(second.auditEntries);
    expect(audit.anchors).toBe(1);
    const ledger = await verifyLedger(database.db, { incremental: true, saveCheckpoint: true });
    expect(ledger.ok).toBe(true);
    expect(ledger.books).toBe(second.enterprises);
    expect(ledger.movements).toBe(second.movements);
    // Nothing new: an incremental run walks nothing and still holds.
    const again = await verifyChain(database.db, undefined, 5000, { incremental: true });
    expect(again.ok).toBe(true);
    expect(again.checked).toBe(0);
    // A full run walks both years.
    const full = await verifyChain(database.db);
    expect(full.ok).toBe(true);
    expect(full.checked).toBe(first.auditEntries + second.auditEntries);
  }, 900_000);

  it('names a checkpoint that no longer holds: an incremental run after its entry was altered', async () => {
    const [cp] = await queryRows<{ key: string; position: string }>(
      database.db,
      sql`select key, position::text as position from verify_checkpoints where verifier = 'audit' and position > 0
          order by key limit 1`,
    );
    // The checkpoint is where verification resumes: moving it onto a wrong hash is what an edit of
    // that entry (below the append-only trigger) would look like to the next incremental run.
    await database.db.execute(
      sql`update verify_checkpoints set hash = ${'f'.repeat(64)} where verifier = 'audit' and key = ${cp!.key}`,
    );
    const r = await verifyChain(database.db, undefined, 5000, { incremental: true });
    expect(r.ok).toBe(false);
    expect(r.breaks[0]!.reason).toMatch(/not the entry the last verification ended at/);
    expect(r.breaks[0]!.partition).toBe(Number(cp!.key));
  });

  it('is deterministic for a seed', async () => {
    // The first year again (seed 1) into a database of its own: the same rows, the same chain.
    const digest = async (db: Database) =>
      (
        await queryRows<{ d: string }>(
          db.db,
          sql`select md5(string_agg(m.id::text || m.quantity::text || m.imported_cny::text || e.hash, ','
                                  order by m.id)) as d
              from ledger_movements m join audit_entries e on e.seq = m.audit_seq
              where m.book_id in (select id from ledger_books where book_no like 'SIM1-%')`,
        )
      )[0]!.d;
    const again = await openTestDatabase();
    try {
      await simulate(again, { year: 2026, scale: SCALE, seed: 1 });
      expect(await digest(again)).toBe(await digest(database));
    } finally {
      await again.close();
    }
  }, 900_000);
});
