import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { demoUscc, DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { checkAuditedBatch, importCreditFile } from '../../src/modules/credit/service.ts';

let t: TestApp;
let admin: string;
let dept: string;
const dir = mkdtempSync(join(tmpdir(), 'tidegate-credit-import-'));
const actor = systemActor('cli-import');

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-03-01T04:00:00Z') });
  admin = await t.authFor('admin', { name: 'admin' });
  dept = await t.authFor('department', { name: 'credit-platform' });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function enterprises(prefix: string, n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const uscc = demoUscc(`91460100${prefix}${i}`);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/enterprises',
          auth: admin,
          body: { uscc, name: `导入测试 ${prefix}${i}`, registeredInHainan: true },
        })
      ).statusCode,
    ).toBe(201);
    codes.push(uscc);
  }
  return codes;
}

const rating = (subject: string, effectiveDate: string, level: string, lowest: boolean, department = 'tax') => ({
  subjectKind: 'ENTERPRISE',
  subject,
  source: department,
  effectiveDate,
  input: { type: 'SECTOR_RATING', department, level, isLowestLevel: lowest },
});
const event = (subject: string, effectiveDate: string, kind = 'SMUGGLING_PENALTY') => ({
  subjectKind: 'ENTERPRISE',
  subject,
  source: 'customs',
  effectiveDate,
  input: { type: 'EVENT', kind },
});
const aeo = (subject: string, effectiveDate: string, action: string) => ({
  subjectKind: 'ENTERPRISE',
  subject,
  source: 'customs',
  effectiveDate,
  input: { type: 'AEO', action },
});

const classOf = async (uscc: string, asOf?: string) =>
  (
    await t.request({
      method: 'GET',
      url: `/api/v1/credit/enterprise/${uscc}${asOf ? `?asOf=${asOf}` : ''}`,
      auth: admin,
    })
  ).json().class;
const inputsOf = async (uscc: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/credit/enterprise/${uscc}/inputs`, auth: admin })).json().items as {
    auditSeq: number;
  }[];
const auditCount = async () =>
  (await t.request({ method: 'POST', url: '/api/v1/audit/verify', auth: admin })).json().checked as number;

function file(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

describe('bulk endpoint', () => {
  it('records a list under one audit entry and recomputes each subject once', async () => {
    const [a, b] = await enterprises('MA5TBLKA', 2);
    const records = [
      rating(a!, '2026-01-10', 'D', true),
      rating(a!, '2026-02-10', 'C', false),
      aeo(b!, '2026-01-15', 'GRANTED'),
      rating(b!, '2026-01-20', 'A', false, 'maritime'),
    ];
    const res = await t.request({ method: 'POST', url: '/api/v1/credit/inputs/bulk', auth: dept, body: { records } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imported: 4, alreadyRecorded: 0, subjectsRecomputed: 2, classChanges: 1 });
    expect(await classOf(a!)).toBe('WHITELIST');
    expect(await classOf(a!, '2026-01-20')).toBe('FOCUS');
    expect(await classOf(b!)).toBe('ADVANCED_CERTIFIED');
    const seqs = new Set([...(await inputsOf(a!)), ...(await inputsOf(b!))].map((i) => i.auditSeq));
    expect([...seqs]).toEqual([res.json().auditSeq]);
    expect(await checkAuditedBatch(t.ctx.db, res.json().auditSeq)).toMatchObject({
      action: 'credit.importInputs',
      rows: 4,
      recordedCount: 4,
      digestMatches: true,
    });
  });

  it('is all or nothing: one bad record refuses the list, naming records[i], the field and the rule', async () => {
    const [c] = await enterprises('MA5TBLKC', 1);
    const person = (
      await t.request({
        method: 'POST',
        url: '/api/v1/individuals',
        auth: admin,
        body: { idType: 'PASSPORT', idNumber: 'G11223344', name: 'Bulk Person', nationality: 'SGP' },
      })
    ).json();
    const records = [
      event(c!, '2026-02-01'),
      { ...aeo(c!, '2026-02-01', 'GRANTED'), subjectKind: 'INDIVIDUAL', subject: person.id },
      event(demoUscc('91460100MA5TNQNE1'), '2026-02-01'),
      event(c!, '2027-12-01'),
    ];
    const before = await auditCount();
    const res = await t.request({ method: 'POST', url: '/api/v1/credit/inputs/bulk', auth: dept, body: { records } });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([
      expect.objectContaining({ path: 'records[1].input.type', rule: 'credit.aeoEnterpriseOnly' }),
      expect.objectContaining({ path: 'records[2].subject', rule: 'credit.subjectRegistered' }),
      expect.objectContaining({ path: 'records[3].effectiveDate', rule: 'credit.effectiveDateHorizon' }),
    ]);
    expect(await auditCount()).toBe(before);
    expect(await inputsOf(c!)).toEqual([]);
    const schema = await t.request({
      method: 'POST',
      url: '/api/v1/credit/inputs/bulk',
      auth: dept,
      body: { records: [event(c!, '2026-02-30')] },
    });
    expect(schema.json().errors).toEqual([
      expect.objectContaining({ path: 'records[0].effectiveDate', rule: 'date.calendar' }),
    ]);
    const many = await t.request({
      method: 'POST',
      url: '/api/v1/credit/inputs/bulk',
      auth: dept,
      body: { records: Array.from({ length: 1001 }, () => event(c!, '2026-02-01')) },
    });
    expect(many.json().errors).toEqual([expect.objectContaining({ path: 'records', rule: 'schema.too_big' })]);
  });

  it('client ids make a retried list harmless', async () => {
    const [d] = await enterprises('MA5TBLKD', 1);
    const records = [
      { ...event(d!, '2026-02-01'), inputId: uuidv7(Date.UTC(2026, 1, 1)) },
      { ...rating(d!, '2026-02-02', 'B', false), inputId: uuidv7(Date.UTC(2026, 1, 2)) },
    ];
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/credit/inputs/bulk', auth: dept, body: { records } })).json(),
    ).toMatchObject({ imported: 2, alreadyRecorded: 0 });
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/credit/inputs/bulk', auth: dept, body: { records } })).json(),
    ).toMatchObject({ imported: 0, alreadyRecorded: 2, classChanges: 0 });
    expect(await inputsOf(d!)).toHaveLength(2);
  });
});

describe('file import (tidegate credit import)', () => {
  it('refuses a file with any bad line, listing line, field and rule, and writes nothing', async () => {
    const [e] = await enterprises('MA5TFKLE', 1);
    const path = file('bad.ndjson', [
      event(e!, '2026-01-01'),
      '{"subjectKind": "ENTERPRISE",',
      event(demoUscc('91460100MA5TNQNE2'), '2026-01-01'),
      { ...event(e!, '2026-01-01'), effectiveDate: '2026-02-31' },
      '',
      rating(e!, '2026-01-02', 'D', true),
    ]);
    const before = await auditCount();
    const result = await importCreditFile(t.ctx, actor, path);
    expect(result).toMatchObject({ importId: null, lines: 5, imported: 0, errorCount: 3 });
    expect(result.errors).toEqual([
      { line: 2, path: '', rule: 'credit.ndjson', message: expect.any(String) },
      { line: 3, path: 'subject', rule: 'credit.subjectRegistered', message: expect.any(String) },
      { line: 4, path: 'effectiveDate', rule: 'date.calendar', message: expect.any(String) },
    ]);
    expect(await auditCount()).toBe(before);
    expect(await inputsOf(e!)).toEqual([]);

    const skipped = await importCreditFile(t.ctx, actor, path, { skipInvalid: true });
    expect(skipped).toMatchObject({ imported: 2, skipped: 3, errorCount: 3, subjectsRecomputed: 1, classChanges: 1 });
    expect(await classOf(e!)).toBe('FOCUS');
  });

  it('imports in chunks under one audit entry each, resumes after an interruption, and records every line once', async () => {
    const subjects = await enterprises('MA5TRQMX', 6);
    const lines: object[] = [];
    // Each subject: a lowest tax rating, later raised; the even ones also a penalty a year ago.
    subjects.forEach((s, i) => {
      lines.push(rating(s, '2025-01-10', 'D', true));
      if (i % 2 === 0) lines.push(event(s, '2025-03-01', 'SERIOUS_DISHONESTY_LISTING'));
    });
    subjects.forEach((s) => lines.push(rating(s, '2025-06-10', 'B', false)));
    const path = file('resume.ndjson', lines);

    const interrupted = importCreditFile(t.ctx, actor, path, {
      chunkLines: 4,
      onProgress: (phase, done) => {
        if (phase === 'insert' && done >= 8) throw new Error('power cut');
      },
    });
    await expect(interrupted).rejects.toThrow('power cut');
    // Two chunks are in, their subjects queued: reads derive the class from the inputs meanwhile.
    expect(await classOf(subjects[0]!)).toBe('FOCUS');
    expect(await classOf(subjects[0]!, '2025-02-01')).toBe('FOCUS');

    const resumed = await importCreditFile(t.ctx, actor, path, { chunkLines: 4 });
    expect(resumed.resumedAfterLine).toBe(8);
    expect(resumed.imported).toBe(lines.length - 8);
    for (const [i, s] of subjects.entries()) {
      const inputs = await inputsOf(s);
      expect(inputs, s).toHaveLength(i % 2 === 0 ? 3 : 2);
      expect(await classOf(s)).toBe(i % 2 === 0 ? 'FOCUS' : 'WHITELIST');
      for (const seq of new Set(inputs.map((x) => x.auditSeq)))
        expect(await checkAuditedBatch(t.ctx.db, seq)).toMatchObject({ digestMatches: true });
    }
    const again = importCreditFile(t.ctx, actor, path, { chunkLines: 4 });
    await expect(again).rejects.toMatchObject({ status: 409 });
  });

  it('stops before writing a chunk whose lines changed after they were checked', async () => {
    const [h] = await enterprises('MA5TCHGD', 1);
    const lines = [
      event(h!, '2026-01-01'),
      rating(h!, '2026-01-02', 'B', false),
      rating(h!, '2026-01-03', 'C', false),
      rating(h!, '2026-01-04', 'A', false),
    ];
    const path = file('changed.ndjson', lines);
    const swapped = file('changed-later.ndjson', [
      lines[0]!,
      lines[1]!,
      { ...lines[2]!, effectiveDate: '2026-01-05' },
      lines[3]!,
    ]);
    const importing = importCreditFile(t.ctx, actor, path, {
      chunkLines: 2,
      onProgress: (phase, done, total) => {
        // Someone rewrites the file between the check and the recording.
        if (phase === 'validate' && done === total) writeFileSync(path, readFileSync(swapped));
      },
    });
    await expect(importing).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('changed while it was being imported'),
    });
    // The first chunk (unchanged) is in; nothing of the changed one.
    expect((await inputsOf(h!)).map((i) => (i as unknown as { effectiveDate: string }).effectiveDate)).toEqual([
      '2026-01-01',
      '2026-01-02',
    ]);
  });

  it('reads CSV with the same checks', async () => {
    const [f, g] = await enterprises('MA5TCQWX', 2);
    const path = join(dir, 'ratings.csv');
    writeFileSync(
      path,
      [
        'subjectKind,subject,source,effectiveDate,reference,type,department,level,isLowestLevel,kind,action',
        `ENTERPRISE,${f},tax,2026-01-05,"纳税信用D级, 2025年度",SECTOR_RATING,tax,D,true,,`,
        `ENTERPRISE,${g},customs,2025-12-01,海关认证,AEO,,,,,GRANTED`,
        `ENTERPRISE,${g},customs,2026-01-01,,EVENT,,,,BRIBERY,`,
      ].join('\r\n'),
    );
    const refused = await importCreditFile(t.ctx, actor, path);
    expect(refused.errors).toEqual([
      expect.objectContaining({ line: 4, path: 'input.kind', rule: 'schema.invalid_value' }),
    ]);
    const done = await importCreditFile(t.ctx, actor, path, { skipInvalid: true });
    expect(done).toMatchObject({ imported: 2, skipped: 1 });
    expect(await classOf(f!)).toBe('FOCUS');
    expect(await classOf(g!)).toBe('ADVANCED_CERTIFIED');
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'subject,colour\nx,y\n');
    expect((await importCreditFile(t.ctx, actor, header)).errors.map((e) => `${e.line} ${e.path} ${e.rule}`)).toEqual([
      '1 colour credit.csvHeader',
      '1 subjectKind credit.csvHeader',
      '1 source credit.csvHeader',
      '1 effectiveDate credit.csvHeader',
      '1 type credit.csvHeader',
    ]);
  });
});

// The command itself, as an operator runs it, on its own embedded database (PGlite run only).
describe.skipIf(testDbKind() !== 'pglite')('the tidegate credit import command', () => {
  it('imports, and exits 2 without writing when a line is bad', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-cli-credit-'));
    const env = {
      ...process.env,
      TIDEGATE_DATA_DIR: dataDir,
      TIDEGATE_ADMIN_PASSWORD: 'cli-admin-password',
      DATABASE_URL: '',
      NATS_URL: '',
      LOG_LEVEL: 'warn',
    };
    // Each a process start (`seed --demo` some 12 s of CPU): minutes on a loaded machine.
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/tidegate.mjs', ...args], { env, encoding: 'utf8', timeout: 600_000 });
    try {
      expect(cli('seed', '--demo').status).toBe(0);
      const cosmetics = DEMO_ENTERPRISES.find((e) => e.key === 'cosmetics')!.uscc;
      const good = file('cli.ndjson', [
        rating(cosmetics, '2026-01-01', 'B', false, 'customs'),
        event(cosmetics, '2025-12-01', 'OTHER_LEGAL_LISTING'),
      ]);
      const ok = cli('credit', 'import', good);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(
        /Import [0-9a-f-]{36}: 2 inputs recorded, 0 already recorded, 0 lines skipped; 1 subjects classified/,
      );
      const bad = file('cli-bad.ndjson', [
        rating(cosmetics, '2026-01-01', 'B', false, 'customs'),
        { ...event(cosmetics, '2026-01-01'), input: { type: 'EVENT' } },
      ]);
      const refused = cli('credit', 'import', bad, '--json');
      expect(refused.status).toBe(2);
      expect(JSON.parse(refused.stdout.trim().split('\n').pop()!)).toMatchObject({
        importId: null,
        errorCount: 1,
        errors: [{ line: 2, path: 'input.kind', rule: 'schema.invalid_value' }],
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 1_200_000); // three process starts
});
