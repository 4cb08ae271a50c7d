import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/client.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { scheduledJobs } from '../../src/platform/module.ts';
import { MODULES } from '../../src/modules/index.ts';
import { balanceOf, getReservation, verifyLedger } from '../../src/modules/ledger/service.ts';
import { ADMIN_PASSWORD, startTestApp, TEST_SECRET, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { freePort, waitReady } from '../support/process.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { exitBody } from '../declarations/helpers.ts';
import { orderWithGoods } from '../gate/support.ts';

/**
 * Two real API processes on one PostgreSQL database, each on its own port: what the concurrency tests
 * check within one process must hold across processes (the database's locks, not a process's memory,
 * keep the books), each scheduled job runs in one process only, and when that process is killed the
 * other takes its jobs once the dead leader's lease has run out (6 s here), at a renewal (every 2 s).
 * The lease is long enough that a leader on a loaded machine (load 20–30 on two cores) renews in time;
 * the waits are deadlines for a condition, and the hand-over is checked by the database's clock.
 */
const LEASE_SECONDS = 6;
/** How long a condition may take on a loaded machine before the test gives up on it. */
const PATIENCE_MS = 120_000;
const onPostgres = testDbKind() === 'postgres';

interface Server {
  child: ChildProcess;
  url: string;
  output: string;
}

const jobNames = [
  ...scheduledJobs(MODULES, {} as never).map((j) => j.name),
  'platform: month partitions made ahead',
  'audit: anchoring',
].sort();

// Two processes sharing one database need a server: PGlite is one process's files.
describe.skipIf(!onPostgres)(
  'two API processes on one PostgreSQL database (skipped on PGlite: one process only)',
  () => {
    let t: TestApp;
    let a: Server;
    let b: Server;

    async function startServer(databaseUrl: string): Promise<Server> {
      const port = await freePort();
      const child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve', '--no-demo'], {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: databaseUrl,
          TIDEGATE_SECRET: TEST_SECRET,
          TIDEGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
          TIDEGATE_SCHEDULE_LEASE_SECONDS: String(LEASE_SECONDS),
          TIDEGATE_AUDIT_ANCHOR_SECONDS: '1',
          TIDEGATE_RATE_LIMITS: 'off',
          TIDEGATE_NO_BUNDLE: '1',
          NATS_URL: '',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const server: Server = { child, url: `http://127.0.0.1:${port}`, output: '' };
      child.stdout!.on('data', (d) => (server.output += d));
      child.stderr!.on('data', (d) => (server.output += d));
      await waitReady(server.url, child, 280_000);
      return server;
    }

    const post = async (s: Server, path: string, auth: string, body: unknown) => {
      const res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const leases = () =>
      queryRows<{ job: string; holder: string }>(t.ctx.db, sql`select job, holder from job_leases order by job`);
    const heldBy = (holder: string, pid: number) => holder.split(':')[1] === String(pid);
    const startedJobs = (s: Server) =>
      s.output
        .split('\n')
        .filter((l) => l.includes('scheduled job started in this process'))
        .map((l) => /"job":"([^"]+)"/.exec(l)?.[1] ?? l)
        .sort();
    const errorLines = () =>
      [a, b]
        .flatMap((s) => s.output.split('\n'))
        .filter((l) => l.includes('"level":50'))
        .join('\n');
    const anchoredLines = (s: Server) => s.output.split('\n').filter((l) => l.includes('audit log anchored')).length;

    beforeAll(async () => {
      // Real time: the processes run on the system clock, and the fixtures' reservations must not
      // look expired to their sweeps.
      t = await startTestApp({ at: new Date() });
      const url = t.ctx.database.url!;
      a = await startServer(url);
      // A has taken every lease before B starts, so the test knows who leads.
      const deadline = Date.now() + PATIENCE_MS;
      while ((await leases()).length < jobNames.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      b = await startServer(url);
    }, 600_000);

    afterAll(async () => {
      for (const s of [a, b]) {
        if (s && s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGTERM');
          await new Promise((r) => s.child.once('exit', r));
        }
      }
      await t?.close();
    });

    it('each scheduled job has one holder, and only that process starts it', async () => {
      const rows = await leases();
      expect(rows.map((r) => r.job)).toEqual(jobNames);
      for (const r of rows) expect(heldBy(r.holder, a.child.pid!), r.holder).toBe(true);
      // Two renewals later B still runs none of them.
      await new Promise((r) => setTimeout(r, 2 * ((LEASE_SECONDS * 1000) / 3) + 500));
      expect(startedJobs(a)).toEqual(jobNames);
      expect(startedJobs(b)).toEqual([]);
    });

    it('parallel exits on one book from both processes never overdraw it', async () => {
      const z = await bookWithGoods(t.ctx, {
        regime: 'ZERO_TARIFF',
        items: [
          {
            hsCode: '9506310000',
            name: '高尔夫球杆 golf clubs',
            unit: 'SET',
            originCountry: 'US',
            quantity: '100',
            importedCny: '80000',
          },
        ],
      });
      const auth = await t.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
      const line = {
        itemId: z.itemIds[0]!,
        quantity: '10',
        valueCny: '2000',
        netWeightKg: '10',
        dutyRate: '0.10',
        vatRate: '0.13',
      };
      // 24 exits of 10 against 100 on hand, alternately to A and B, all at once.
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          post(i % 2 ? b : a, '/api/v1/declarations/exits', auth, exitBody(z.bookId, [line], `over-${uuidv7()}`)),
        ),
      );
      const accepted = answers.filter((x) => x.status === 201);
      const refused = answers.filter((x) => x.status !== 201);
      expect(accepted).toHaveLength(10);
      for (const r of refused) {
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect((r.body.errors as { rule: string }[])[0]!.rule).toBe('ledger.insufficientAvailable');
      }
      // (Which process wins which exit is timing: on a busy machine one may take all ten.)
      expect(await balanceOf(t.ctx.db, z.bookId, z.itemIds[0]!)).toMatchObject({ onHand: '100', reserved: '100' });
      expect((await verifyLedger(t.ctx.db)).ok).toBe(true);
    });

    it('the same requestId sent to both processes at once gives one declaration', async () => {
      const z = await bookWithGoods(t.ctx, {
        regime: 'ZERO_TARIFF',
        items: [
          {
            hsCode: '9506310000',
            name: '高尔夫球杆 golf clubs',
            unit: 'SET',
            originCountry: 'US',
            quantity: '500',
            importedCny: '80000',
          },
        ],
      });
      const auth = await t.authFor('enterprise_user', { enterpriseId: z.enterpriseId });
      const body = exitBody(
        z.bookId,
        [
          {
            itemId: z.itemIds[0]!,
            quantity: '10',
            valueCny: '2000',
            netWeightKg: '10',
            dutyRate: '0.10',
            vatRate: '0.13',
          },
        ],
        `twice-${uuidv7()}`,
      );
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(i % 2 ? b : a, '/api/v1/declarations/exits', auth, body)),
      );
      for (const x of answers) expect(x.status, JSON.stringify(x.body)).toBe(201);
      for (const x of answers) expect(x.body).toEqual(answers[0]!.body);
      const [n] = await queryRows<{ n: number }>(
        t.ctx.db,
        sql`select count(*)::int as n from decl_declarations where request_id = ${body.requestId}`,
      );
      expect(Number(n!.n)).toBe(1);
      expect(await balanceOf(t.ctx.db, z.bookId, z.itemIds[0]!)).toMatchObject({ reserved: '10' });
    });

    it('one release order presented at both processes at once passes once; one gate event sent to both is decided once', async () => {
      const devices = [
        await t.authFor('gate_device', {
          name: 'w-l01',
          scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' },
        }),
        await t.authFor('gate_device', {
          name: 'w-l02',
          scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L02' },
        }),
      ];
      const ev = (plate: string, containers: string[], lane: number) => ({
        eventId: uuidv7(),
        portCode: 'CNHAK-XINHAI',
        laneCode: `CNHAK-XINHAI-L0${lane}`,
        direction: 'OUT',
        plate,
        containers,
        weightKg: '25000',
        sealState: 'INTACT',
        at: new Date().toISOString(),
      });
      const first = await orderWithGoods(t.ctx, { reserveQuantity: '40' });
      const trucks = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          post(
            i % 2 ? b : a,
            '/api/v1/gate/events',
            devices[i % 2]!,
            ev(first.input.plate, first.input.containers, (i % 2) + 1),
          ),
        ),
      );
      for (const x of trucks) expect(x.status, `${JSON.stringify(x.body)}\n${errorLines()}`).toBe(200);
      expect(trucks.filter((x) => x.body.decision === 'PASS')).toHaveLength(1);
      expect((await getReservation(t.ctx.db, first.reservation.id))!.lines[0]).toMatchObject({ posted: '40' });
      expect(await balanceOf(t.ctx.db, first.book.bookId, first.book.itemIds[0]!)).toMatchObject({ onHand: '60' });

      const second = await orderWithGoods(t.ctx, { reserveQuantity: '40' });
      const same = ev(second.input.plate, second.input.containers, 1);
      const copies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 2 ? b : a, '/api/v1/gate/events', devices[0]!, same)),
      );
      for (const x of copies) expect(x.status, `${JSON.stringify(x.body)}\n${errorLines()}`).toBe(200);
      expect(copies[0]!.body.decision).toBe('PASS');
      for (const x of copies) expect(x.body).toEqual(copies[0]!.body);
      expect((await getReservation(t.ctx.db, second.reservation.id))!.lines[0]).toMatchObject({ posted: '40' });
    });

    it('only the leader anchors the audit log while both take commands', async () => {
      // The commands above moved the audit log; anchoring runs every second where its lease is.
      const deadline = Date.now() + PATIENCE_MS;
      while (anchoredLines(a) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(anchoredLines(a)).toBeGreaterThan(0);
      expect(anchoredLines(b)).toBe(0);
    }, 300_000);

    it('killing the leader hands every job to the other process once its lease has run out', async () => {
      // In database time (the clock that decides expiry): when each of A's leases runs out at the
      // earliest (a renewal between this read and the kill only moves it later), and when B took it.
      const leaseTimes = () =>
        queryRows<{ job: string; holder: string; expires_ms: number; acquired_ms: number }>(
          t.ctx.db,
          sql`select job, holder, (extract(epoch from expires_at) * 1000)::float8 as expires_ms,
            (extract(epoch from acquired_at) * 1000)::float8 as acquired_ms from job_leases order by job`,
        );
      const before = await leaseTimes();
      expect(before.every((r) => heldBy(r.holder, a.child.pid!))).toBe(true);
      const killedAt = Date.now();
      a.child.kill('SIGKILL');
      await new Promise((r) => a.child.once('exit', r));
      let tookOverMs = -1;
      while (Date.now() - killedAt < PATIENCE_MS) {
        const rows = await leases();
        if (rows.length === jobNames.length && rows.every((r) => heldBy(r.holder, b.child.pid!))) {
          tookOverMs = Date.now() - killedAt;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await leaseTimes();
      const lateness = after.map((r, i) => Math.round(Number(r.acquired_ms) - Number(before[i]!.expires_ms)));
      console.log(
        `jobs taken over ${tookOverMs} ms after the leader was killed (lease ${LEASE_SECONDS} s); ` +
          `each job ${Math.min(...lateness)}–${Math.max(...lateness)} ms after A's lease ran out`,
      );
      expect(tookOverMs).toBeGreaterThanOrEqual(0);
      // Never while the dead leader's lease lasted: B took each job only after it ran out (no overlap).
      expect(after.map((r) => r.job)).toEqual(before.map((r) => r.job));
      for (const late of lateness) expect(late).toBeGreaterThanOrEqual(0);
      // B starts what it claimed (its log says so a moment later).
      const started = Date.now() + PATIENCE_MS;
      while (startedJobs(b).length < jobNames.length && Date.now() < started)
        await new Promise((r) => setTimeout(r, 100));
      expect(startedJobs(b)).toEqual(jobNames);
      // And B now does the leader's work: the audit log moves (a new book) and B anchors it.
      const anchoredBefore = anchoredLines(b);
      await bookWithGoods(t.ctx, {
        regime: 'ZERO_TARIFF',
        items: [
          { hsCode: '9506310000', name: '球杆', unit: 'SET', originCountry: 'US', quantity: '5', importedCny: '100' },
        ],
      });
      const deadline = Date.now() + PATIENCE_MS;
      while (anchoredLines(b) === anchoredBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(anchoredLines(b)).toBeGreaterThan(anchoredBefore);
    }, 600_000);
  },
);
