import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { testDbKind } from '../support/db.ts';
import { randomUscc } from '../support/ledgerFixtures.ts';
import { openDatabase, queryRows } from '../../src/platform/db/client.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { freePort, waitReady } from '../support/process.ts';

/**
 * Kill the server (SIGKILL) in the middle of a stream of documents, then: the verifier is clean,
 * every acknowledged document is there with all its movements, nothing partial is.
 */
describe.skipIf(testDbKind() !== 'pglite')('a crash in the middle of a stream of documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-ledger-crash-'));
  // A short Idempotency-Key lease: the claims the killed server held run out soon after it died.
  const env = {
    ...process.env,
    TIDEGATE_DATA_DIR: dir,
    TIDEGATE_ADMIN_PASSWORD: 'crash-admin-pass-1',
    DATABASE_URL: '',
    NATS_URL: '',
    LOG_LEVEL: 'warn',
    TIDEGATE_IDEMPOTENCY_LEASE_SECONDS: '3',
  };
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged document and leaves nothing partial; every Idempotency-Key in flight runs again exactly once after the restart', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve', '--no-demo'], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitReady(url, child, 300_000);
    const call = async (method: string, path: string, body: unknown, token?: string, key?: string, base = url) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        json: (await res.json()) as Record<string, unknown> & { id: string; items: { id: string }[]; token: string },
      };
    };
    const { json: login } = await call('POST', '/api/v1/auth/login', {
      username: 'admin',
      password: 'crash-admin-pass-1',
    });
    const token = login.token;
    const uscc = randomUscc();
    expect(
      (
        await call(
          'POST',
          '/api/v1/enterprises',
          {
            uscc,
            name: '崩溃测试企业',
            registeredInHainan: true,
            legalForm: 'INDEPENDENT_LEGAL_PERSON',
            encouragedIndustry: true,
          },
          token,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await call(
          'POST',
          `/api/v1/enterprises/${uscc}/qualifications`,
          { kind: 'ZERO_TARIFF_BENEFICIARY', goodsCategory: 'PRODUCTION_EQUIPMENT', validFrom: '2025-12-18' },
          token,
        )
      ).status,
    ).toBe(201);
    const book = (await call('POST', '/api/v1/ledger/books', { uscc, regime: 'ZERO_TARIFF' }, token)).json;
    const items = (
      await call(
        'POST',
        `/api/v1/ledger/books/${book.id}/items`,
        {
          items: [
            { itemNo: 'M1', hsCode: '8479899990', name: '包装机', unit: '台', originCountry: 'DE' },
            { itemNo: 'M2', hsCode: '8429520000', name: '挖掘机', unit: '台', originCountry: 'JP' },
          ],
        },
        token,
      )
    ).json.items;

    // Four writers stream two-line imports and one-line exports until the server dies, each with an
    // Idempotency-Key; a fifth registers enterprises (a command with no idempotency of its own).
    const acknowledged: string[] = [];
    const keyed: {
      key: string;
      path: string;
      body: { uscc?: string; documentId?: string };
      first?: { status: number; json: unknown };
    }[] = [];
    let sent = 0;
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const documentId = uuidv7();
        const body =
          i % 3 === 2
            ? {
                type: 'FIRST_LINE_EXPORT',
                documentId,
                bookId: book.id,
                lines: [{ itemId: items[w % 2]!.id, quantity: '1' }],
              }
            : {
                type: 'FIRST_LINE_IMPORT',
                documentId,
                bookId: book.id,
                lines: [
                  { itemId: items[0]!.id, quantity: '2', importedCny: '1000.10' },
                  { itemId: items[1]!.id, quantity: '3', importedCny: '333.33' },
                ],
              };
        sent++;
        const request: (typeof keyed)[number] = { key: `doc-${documentId}`, path: '/api/v1/ledger/documents', body };
        keyed.push(request);
        try {
          const res = await call('POST', request.path, body, token, request.key);
          request.first = res;
          if (res.status === 201) acknowledged.push(documentId);
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const registrar = async () => {
      while (!killed) {
        const body = {
          uscc: randomUscc(),
          name: '崩溃重试企业',
          registeredInHainan: true,
          legalForm: 'INDEPENDENT_LEGAL_PERSON',
          encouragedIndustry: false,
        };
        const request: (typeof keyed)[number] = { key: `ent-${body.uscc}`, path: '/api/v1/enterprises', body };
        keyed.push(request);
        try {
          request.first = await call('POST', request.path, body, token, request.key);
        } catch {
          return;
        }
      }
    };
    const writers = [...[0, 1, 2, 3].map(writer), registrar()];
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await new Promise((r) => (child!.exitCode !== null || child!.signalCode ? r(null) : child!.once('exit', r)));
    expect(sent).toBeGreaterThan(acknowledged.length);

    // The verifier, as an operator runs it after the restart.
    const verify = spawnSync(process.execPath, ['bin/tidegate.mjs', 'ledger', 'verify'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(verify.status, verify.stderr + verify.stdout).toBe(0);
    expect(verify.stdout).toContain('OK:');

    const db = await openDatabase({ dataDir: dir });
    try {
      const docs = await queryRows<{ id: string; type: string; moves: number }>(
        db.db,
        sql`select d.id, d.type, (select count(*)::int from ledger_movements m where m.document_id = d.id) as moves from ledger_documents d where d.book_id = ${book.id}`,
      );
      const present = new Map(docs.map((d) => [d.id, d]));
      for (const id of acknowledged) expect(present.has(id), `acknowledged document ${id}`).toBe(true);
      // Nothing partial: every document has all its movements, no movement lacks its document.
      for (const d of docs) expect(d.moves, d.id).toBe(d.type === 'FIRST_LINE_IMPORT' ? 2 : 1);
      const orphans = await queryRows<{ n: number }>(
        db.db,
        sql`select count(*)::int as n from ledger_movements m where m.book_id = ${book.id} and not exists (select 1 from ledger_documents d where d.id = m.document_id)`,
      );
      expect(orphans[0]!.n).toBe(0);
      const imports = docs.filter((d) => d.type === 'FIRST_LINE_IMPORT').length;
      const [stock] = await queryRows<{ q: string }>(
        db.db,
        sql`select sum(on_hand)::text as q from ledger_accounts where book_id = ${book.id} and kind = 'stock'`,
      );
      expect(Number(stock!.q)).toBe(imports * 5 - (docs.length - imports));
    } finally {
      await db.close();
    }

    // The restart: every key sent, with the same body, gets its first answer (replayed) or runs now —
    // never "still running" for ever, never twice. Claims of the dead server wait out their lease.
    const port2 = await freePort();
    const url2 = `http://127.0.0.1:${port2}`;
    child = spawn(process.execPath, ['bin/tidegate.mjs', 'serve', '--no-demo'], {
      env: { ...env, PORT: String(port2), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitReady(url2, child, 300_000);
    const token2 = (
      await call(
        'POST',
        '/api/v1/auth/login',
        { username: 'admin', password: 'crash-admin-pass-1' },
        undefined,
        undefined,
        url2,
      )
    ).json.token;
    const inFlight = keyed.filter((k) => !k.first).length;
    expect(inFlight).toBeGreaterThan(0);
    const deadline = Date.now() + 30_000;
    const retry = async (k: (typeof keyed)[number]) => {
      let res = await call('POST', k.path, k.body, token2, k.key, url2);
      while (res.status === 409 && /still running/.test(String(res.json.detail)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        res = await call('POST', k.path, k.body, token2, k.key, url2);
      }
      expect(res.status, `${k.key}: ${JSON.stringify(res.json)}`).toBe(k.first?.status ?? 201);
      if (k.first) expect(res.json, k.key).toEqual(k.first.json);
      k.first = res;
    };
    for (let i = 0; i < keyed.length; i += 8) await Promise.all(keyed.slice(i, i + 8).map(retry));
    child.kill('SIGTERM');
    await new Promise((r) => (child!.exitCode !== null ? r(null) : child!.once('exit', r)));
    const db3 = await openDatabase({ dataDir: dir });
    try {
      for (const k of keyed.filter((x) => x.body.uscc)) {
        const [n] = await queryRows<{ n: number }>(
          db3.db,
          sql`select count(*)::int as n from enterprises where uscc = ${k.body.uscc!}`,
        );
        expect(n!.n, k.body.uscc).toBe(1);
      }
      const filed = keyed.filter((x) => x.body.documentId && x.first!.status === 201).length;
      const [docs] = await queryRows<{ n: number }>(
        db3.db,
        sql`select count(*)::int as n from ledger_documents where book_id = ${book.id}`,
      );
      expect(docs!.n).toBe(filed);
      const [running] = await queryRows<{ n: number }>(
        db3.db,
        sql`select count(*)::int as n from idempotency_records where status is null`,
      );
      expect(running!.n).toBe(0);
    } finally {
      await db3.close();
    }

    // A tampered balance is found and named by the verifier (exit 1).
    const db2 = await openDatabase({ dataDir: dir });
    await db2.db.execute(
      sql`update ledger_accounts set on_hand = on_hand + 1 where item_id = ${items[0]!.id} and kind = 'stock'`,
    );
    await db2.close();
    const tampered = spawnSync(process.execPath, ['bin/tidegate.mjs', 'ledger', 'verify'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain(`item ${items[0]!.id} account stock: onHand stored`);
    void output;
  }, 900_000); // two process starts, each minutes on a loaded machine
});
