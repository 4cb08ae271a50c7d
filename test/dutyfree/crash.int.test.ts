import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openTestDatabase, testDbKind } from '../support/db.ts';
import { openDatabase, queryRows, type Database } from '../../src/platform/db/client.ts';
import { createContext } from '../../src/main.ts';
import type { Actor } from '../../src/platform/auth/roles.ts';
import { fixedClock } from '../../src/kernel/clock.ts';
import { confirm, sweepExpired } from '../../src/modules/dutyfree/service.ts';
import { item, newBuyer } from './support.ts';
import { freePort, waitReady } from '../support/process.ts';

const SECRET = 'crash-test-secret-0123456789abcdef0123456789';
const ADMIN = 'crash-admin-pass-1';

/** A server process on `dir` (PGlite) or the test's PostgreSQL database; its stderr kept, its exit awaited. */
function startServer(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve', '--no-demo'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The exit is awaited from here: an `exit` listener added after the process died would wait forever (the stall
  // this test once had). The pipe is drained, or a chatty server would block once its 64 KiB buffer filled.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  return { child, exited, stderr: () => stderr };
}

type Server = ReturnType<typeof startServer>;

/**
 * Tills reserve and confirm while the server is killed (SIGKILL). Afterwards every acknowledged
 * reservation and sale is there, the quota rows equal the sales summed by status; after a restart a
 * till that lost its answers asks again with the same requestId and confirms: one reservation, one
 * sale, its codes once; the expiry sweep (after the reservations' time) gives back every held quota,
 * and an expired reservation cannot be confirmed. Nothing is lost, nothing held, nothing sold twice.
 */
describe(`a crash between reserve and confirm (${testDbKind()})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-dutyfree-crash-'));
  const started: Server[] = [];
  let server: Database | undefined;
  afterAll(async () => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(started.map((s) => s.exited));
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Two server starts on PGlite (about 50 s each on a quiet machine, minutes on a busy one) and the sales between.
  it('loses no acknowledged reservation or sale, confirms once, and the sweep releases what was held', {
    timeout: 600_000,
  }, async () => {
    server = testDbKind() === 'postgres' ? await openTestDatabase() : undefined;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      TIDEGATE_DATA_DIR: dir,
      TIDEGATE_ADMIN_PASSWORD: ADMIN,
      TIDEGATE_SECRET: SECRET,
      DATABASE_URL: server?.url ?? '',
      NATS_URL: '',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      TIDEGATE_RATE_LIMITS: 'off',
    };
    const start = async () => {
      const s = startServer(env);
      started.push(s);
      try {
        await waitReady(url, s.child, 240_000);
      } catch (e) {
        throw new Error(`${(e as Error).message}; stderr: ${s.stderr()}`);
      }
      return s;
    };
    const first = await start();
    const call = async (path: string, body: unknown, auth: string) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const token = (await call('/api/v1/auth/login', { username: 'admin', password: ADMIN }, '')).json.token as string;
    const client = await call(
      '/api/v1/api-clients',
      { name: 'crash-till', role: 'dutyfree_shop', scope: { shop: 'SANYA-HAITANG' } },
      `Bearer ${token}`,
    );
    const shop = `ApiKey ${client.json.key as string}`;

    const buyers = [newBuyer(), newBuyer(), newBuyer()];
    const date = new Date(Date.now() + 8 * 3600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
    const saleOf = (w: number, i: number) => ({
      requestId: randomUUID(),
      buyer: buyers[(w + i) % buyers.length]!,
      departure: { mode: 'FLIGHT', number: 'CZ6711', date, destination: 'MAINLAND' },
      collection: 'DEPARTURE_PICKUP',
      items: [item({ sku: `S-${w}-${i}`, unitPrice: `${100 + i}.${w}0`, quantity: 2 })],
    });
    const reserved = new Map<string, string>();
    const confirmed = new Set<string>();
    /** Requests sent and not answered when the server died: the till does not know what happened. */
    const unanswered: { kind: 'reserve' | 'confirm'; body: ReturnType<typeof saleOf>; id?: string }[] = [];
    let stop = false;
    let last = '';
    const till = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const body = saleOf(w, i);
        let r: Awaited<ReturnType<typeof call>>;
        try {
          r = await call('/api/v1/dutyfree/reservations', body, shop);
        } catch {
          unanswered.push({ kind: 'reserve', body });
          return; // the server is gone
        }
        if (r.status !== 201) {
          last = `${r.status} ${JSON.stringify(r.json)}`;
          continue;
        }
        const id = r.json.reservationId as string;
        reserved.set(id, r.json.amount as string);
        if (i % 3 === 2) continue; // this till "crashes" before confirming: the reservation stays open
        try {
          const c = await call(`/api/v1/dutyfree/reservations/${id}/confirm`, {}, shop);
          if (c.status === 200) confirmed.add(id);
          else last = `${c.status} ${JSON.stringify(c.json)}`;
        } catch {
          unanswered.push({ kind: 'confirm', body, id });
          return;
        }
      }
    };
    const tills = Promise.all([0, 1, 2, 3].map(till));
    const deadline = Date.now() + 120_000;
    try {
      while (confirmed.size < 40) {
        if (Date.now() > deadline || first.child.exitCode !== null)
          throw new Error(`only ${confirmed.size} sales confirmed; last answer ${last}; stderr ${first.stderr()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      first.child.kill('SIGKILL');
      stop = true;
      await first.exited;
      await tills;
    }

    // After a restart the tills ask again what they sent without an answer: a reservation with the same requestId
    // answers the first one if it was stored (never a second reservation), and it is confirmed exactly once.
    const second = await start();
    const retried = new Map<string, string>();
    for (const u of unanswered) {
      const r = await call('/api/v1/dutyfree/reservations', u.body, shop);
      if (r.status !== 201) continue; // e.g. its quota: refused now, nothing held
      const id = r.json.reservationId as string;
      if (u.id) expect(id).toBe(u.id);
      reserved.set(id, r.json.amount as string);
      const c1 = await call(`/api/v1/dutyfree/reservations/${id}/confirm`, {}, shop);
      const c2 = await call(`/api/v1/dutyfree/reservations/${id}/confirm`, {}, shop);
      expect([c1.status, c2.status]).toEqual([200, 200]);
      expect(c2.json.codes).toEqual(c1.json.codes);
      confirmed.add(id);
      retried.set(u.body.requestId, id);
    }
    // A till that crashed before confirming one of the open reservations confirms it after the restart.
    const open = [...reserved.keys()].find((id) => !confirmed.has(id))!;
    expect((await call(`/api/v1/dutyfree/reservations/${open}/confirm`, {}, shop)).status).toBe(200);
    confirmed.add(open);
    second.child.kill('SIGKILL');
    await second.exited;

    const database = server ?? (await openDatabase({ dataDir: dir }));
    try {
      const rows = await queryRows<{
        id: string;
        status: string;
        amount: string;
        request_id: string | null;
        codes: number | string;
        distinct_codes: number | string;
        units: number | string;
      }>(
        database.db,
        sql`select r.id, r.status, r.amount::text as amount, r.request_id,
              (select count(*) from dutyfree_codes c where c.reservation_id = r.id) as codes,
              (select count(distinct (c.line_no, c.unit_no)) from dutyfree_codes c where c.reservation_id = r.id)
                as distinct_codes,
              (select sum(quantity) from dutyfree_reservation_items i where i.reservation_id = r.id) as units
            from dutyfree_reservations r`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const [id, amount] of reserved) expect(byId.get(id)?.amount, `acknowledged reservation ${id}`).toBe(amount);
      for (const id of confirmed) expect(byId.get(id)?.status).toBe('CONFIRMED');
      for (const r of rows) {
        expect(Number(r.codes)).toBe(r.status === 'CONFIRMED' ? Number(r.units) : 0);
        expect(Number(r.distinct_codes)).toBe(Number(r.codes));
      }
      for (const [requestId, id] of retried)
        expect(rows.filter((r) => r.request_id === requestId).map((r) => r.id)).toEqual([id]);
      const consistent = sql`select q.buyer_id, q.used::text as used, q.reserved::text as reserved,
          coalesce((select sum(amount) from dutyfree_reservations r where r.buyer_id = q.buyer_id
            and r.quota_year = q.year and r.status = 'CONFIRMED'), 0)::numeric(14,2)::text as sold,
          coalesce((select sum(amount) from dutyfree_reservations r where r.buyer_id = q.buyer_id
            and r.quota_year = q.year and r.status = 'RESERVED'), 0)::numeric(14,2)::text as held
        from dutyfree_quotas q`;
      const before = await queryRows<{ used: string; reserved: string; sold: string; held: string }>(
        database.db,
        consistent,
      );
      expect(before.length).toBe(3);
      for (const q of before) expect([q.used, q.reserved]).toEqual([q.sold, q.held]);
      const held = rows.filter((r) => r.status === 'RESERVED' && !confirmed.has(r.id));
      expect(held.length).toBeGreaterThan(0);

      // After the reservations' time the sweep releases every one still held, once; an expired one is not sold.
      const ctx = await createContext({
        database,
        clock: fixedClock(new Date(Date.now() + 3600_000)),
        logger: pino({ level: 'silent' }),
        secret: SECRET,
        dataDir: dir,
        natsUrl: '',
      });
      expect((await sweepExpired(ctx)).expired).toBe(held.length);
      expect((await sweepExpired(ctx)).expired).toBe(0);
      const after = await queryRows<{ used: string; reserved: string; sold: string; held: string }>(
        database.db,
        consistent,
      );
      for (const q of after) expect([q.used, q.reserved, q.held]).toEqual([q.sold, '0.00', '0.00']);
      expect(after.map((q) => q.used).sort()).toEqual(before.map((q) => q.used).sort());
      const till: Actor = {
        kind: 'client',
        id: String((client.json.client as { id: string }).id),
        name: 'crash-till',
        role: 'dutyfree_shop',
        enterpriseId: null,
        scope: { shop: 'SANYA-HAITANG' },
      };
      await expect(confirm(ctx, till, held[0]!.id)).rejects.toMatchObject({ status: 409 });
      const [statuses] = await queryRows<{ n: number | string }>(
        database.db,
        sql`select count(*) as n from dutyfree_reservations where status not in ('CONFIRMED', 'EXPIRED')`,
      );
      expect(Number(statuses!.n)).toBe(0);
    } finally {
      if (!server) await database.close();
    }
  });
});
