import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { postgresBinaries, startReplicatedPair, type ReplicatedPair } from '../support/pgCluster.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';

/**
 * DATABASE_READ_URL on a real streaming replica: a primary and a replica made for this test
 * (initdb, pg_basebackup -R; the machine's own PostgreSQL is not touched). With the replica's replay
 * paused, a first-line declaration filed on the primary is missing from an officer's list (served by
 * the replica) but found by its detail page, by the list when the request asks for the primary, and
 * by the list of the trader who filed it (its own write); once replay resumes the officer's list shows
 * it. With the replica stopped, lists are served by the primary and /readyz reports the replica down;
 * started again, the replica serves them again.
 */
const onPostgres = testDbKind() === 'postgres';
const binaries = postgresBinaries();
const skipReason = !onPostgres
  ? 'skipped on PGlite: a replica is a PostgreSQL server'
  : 'missing' in binaries
    ? `skipped: the PostgreSQL server programs are not installed (${binaries.missing})`
    : 'PostgreSQL';

describe.skipIf(!onPostgres || 'missing' in binaries)(`lists from a streaming read replica (${skipReason})`, () => {
  let pair: ReplicatedPair;
  let t: TestApp;
  let officer: string;
  let trader: string;
  let world: Awaited<ReturnType<typeof bookWithGoods>>;
  const lagWas = process.env.TIDEGATE_REPLICA_MAX_LAG_SECONDS;

  const list = (auth: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'GET', url: '/api/v1/firstline/declarations?pageSize=50', auth, headers });
  const ids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((d) => d.id);
  const fromOf = (res: { headers: Record<string, unknown> }) => res.headers['x-tidegate-read-from'];
  const file = async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/firstline/declarations',
      auth: trader,
      body: {
        requestId: uuidv7(),
        direction: 'IMPORT',
        port: 'CNYPG-PORT',
        transportMode: 'SEA',
        counterpartCountry: 'SG',
        foreignParty: 'Straits Trading Pte Ltd',
        bookId: world.bookId,
        lines: [
          {
            kind: 'BOOK',
            itemId: world.itemIds[0],
            description: 'crane parts',
            quantity: '5',
            netWeightKg: '5',
            valueCny: '750',
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  /** Polls until `ok` (the probe runs each second); fails after `ms` (as long as a loaded machine may need). */
  const eventually = async (ok: () => Promise<boolean>, ms = 120_000) => {
    const until = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    // The replica's replay is paused on purpose below: it must not count as too far behind meanwhile.
    process.env.TIDEGATE_REPLICA_MAX_LAG_SECONDS = '3600';
    pair = await startReplicatedPair((binaries as { bindir: string }).bindir);
    t = await startTestApp({ databaseUrl: pair.primaryUrl, databaseReadUrl: pair.replicaUrl });
    officer = await t.authFor('inspector');
    world = await bookWithGoods(t.ctx, {
      regime: 'ZERO_TARIFF',
      entryDate: '2026-11-02',
      items: [
        {
          hsCode: '8431490000',
          name: '起重机零件 crane parts',
          unit: 'KG',
          originCountry: 'DE',
          quantity: '100',
          importedCny: '15000',
        },
      ],
    });
    trader = await t.authFor('enterprise_user', { enterpriseId: world.enterpriseId });
  });

  afterAll(async () => {
    await t?.close();
    await pair?.close();
    if (lagWas === undefined) delete process.env.TIDEGATE_REPLICA_MAX_LAG_SECONDS;
    else process.env.TIDEGATE_REPLICA_MAX_LAG_SECONDS = lagWas;
  });

  it('serves the officer list from the replica, own writes and details from the primary', async () => {
    expect(await t.ctx.reads.caughtUp(120_000)).toBe(true);
    const before = await file();
    await eventually(async () => ids(await list(officer)).includes(before));
    expect(fromOf(await list(officer))).toBe('replica');

    await pair.pauseReplay();
    const id = await file();

    const fromReplica = await list(officer);
    expect(fromReplica.statusCode).toBe(200);
    expect(fromOf(fromReplica)).toBe('replica');
    expect(ids(fromReplica)).toContain(before);
    expect(ids(fromReplica)).not.toContain(id);

    // The detail page after a write reads the primary, as does a request that asks for it.
    const detail = await t.request({ method: 'GET', url: `/api/v1/firstline/declarations/${id}`, auth: officer });
    expect(detail.statusCode, detail.body).toBe(200);
    const asked = await list(officer, { 'x-tidegate-read-primary': '1' });
    expect(fromOf(asked)).toBe('primary');
    expect(ids(asked)).toContain(id);
    // The trader who filed it reads its own write.
    const own = await list(trader);
    expect(fromOf(own)).toBe('primary');
    expect(ids(own)).toContain(id);

    const ready = await t.request({ method: 'GET', url: '/readyz' });
    expect(ready.json().replica.state).toBe('streaming');

    await pair.resumeReplay();
    await eventually(async () => ids(await list(officer)).includes(id));
    expect(fromOf(await list(officer))).toBe('replica');
  });

  it('falls back to the primary while the replica is down, and back to the replica after', async () => {
    const id = await file();
    await pair.stopReplica();
    const res = await list(officer);
    expect(res.statusCode, res.body).toBe(200);
    expect(fromOf(res)).toBe('primary');
    expect(ids(res)).toContain(id);
    const summary = await t.request({ method: 'GET', url: '/api/v1/command/summary', auth: officer });
    expect(summary.statusCode, summary.body).toBe(200);
    expect(fromOf(summary)).toBe('primary');
    const ready = await t.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', replica: { state: 'down', lagSeconds: null } });

    await pair.startReplica();
    await eventually(async () => fromOf(await list(officer)) === 'replica');
    expect(ids(await list(officer))).toContain(id);
  });
});
