import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { bookWithGoods } from '../support/ledgerFixtures.ts';
import { exitBody } from '../declarations/helpers.ts';
import { uuidv7 } from '../../src/kernel/ids.ts';
import { systemActor } from '../../src/platform/auth/roles.ts';
import { addItems, fileDocument } from '../../src/modules/ledger/service.ts';
import { grantQualification } from '../../src/modules/subjects/service.ts';
import { formatValueAddedNumber } from '../../src/modules/tax/rules.ts';

/**
 * Cumulative value added over HTTP: a processing enterprise passes jerky to another processing
 * enterprise on the island, the platform issues the cumulative number from the upstream book, the
 * downstream's ratio counts the upstream value added, forged figures are refused writing nothing,
 * evidence is hashed into the audit log, and a ratio just above 30% waits for an officer.
 */
let t: TestApp;
const actor = systemActor('test');
let up: { enterpriseId: string; bookId: string; jerkyId: string; auth: string };
let down: { enterpriseId: string; bookId: string; packedId: string; auth: string };
let transferId: string;
let number: string;
let inspector: string;
let admin: string;

const post = (url: string, body: unknown, auth: string) => t.request({ method: 'POST', url, body, auth });
const get = (url: string, auth: string) => t.request({ method: 'GET', url, auth });
const count = async (table: string) => {
  const rows = await t.ctx.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return Number(
    (rows as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ?? (rows as unknown as { n: number }[])[0]?.n,
  );
};

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-11-23T02:00:00Z') });
  inspector = await t.authFor('inspector', { name: 'inspector-li' });
  admin = await t.authFor('admin', { name: 'admin-zhao' });
  // Upstream: 1,000 kg of beef imported for 356,000 CNY, made into 800 kg of jerky.
  const u = await bookWithGoods(t.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '0202300090',
        name: '冻去骨牛肉 frozen boneless beef',
        unit: 'KG',
        originCountry: 'AU',
        quantity: '1000',
        importedCny: '356000',
      },
    ],
  });
  const jerkyItem = {
    hsCode: '1602500090',
    name: '牛肉干 beef jerky',
    specification: '',
    unit: 'KG',
    originCountry: 'CN',
  };
  const [jerky] = await addItems(t.ctx, actor, u.bookId, [{ itemNo: 'UP-JERKY', ...jerkyItem }]);
  await fileDocument(t.ctx, actor, {
    type: 'PROCESSING',
    documentId: uuidv7(),
    bookId: u.bookId,
    businessDate: '2026-11-10',
    inputs: [{ itemId: u.itemIds[0]!, quantity: '1000' }],
    outputs: [{ itemId: jerky!.id, quantity: '800' }],
  });
  up = {
    enterpriseId: u.enterpriseId,
    bookId: u.bookId,
    jerkyId: jerky!.id,
    auth: await t.authFor('enterprise_user', { enterpriseId: u.enterpriseId }),
  };
  // Downstream: a processing enterprise (also a zero-tariff beneficiary, so the goods enter its book)
  // with 100 kg of imported spices for 10,000 CNY.
  const d = await bookWithGoods(t.ctx, {
    regime: 'PROCESSING_VALUE_ADDED',
    entryDate: '2026-11-02',
    items: [
      {
        hsCode: '0910110000',
        name: '姜 ginger',
        unit: 'KG',
        originCountry: 'TH',
        quantity: '100',
        importedCny: '10000',
      },
    ],
  });
  await grantQualification(t.ctx, actor, d.uscc, {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'RAW_AND_AUXILIARY_MATERIALS',
    validFrom: '2026-01-01',
    validTo: null,
  });
  const [inJerky, packed] = await addItems(t.ctx, actor, d.bookId, [
    { itemNo: 'DOWN-JERKY', ...jerkyItem },
    { itemNo: 'DOWN-PACKED', ...jerkyItem, name: '姜味牛肉干 ginger beef jerky' },
  ]);
  // The transfer: 400 kg of jerky (half the batch: 178,000 of imported beef) for 240,000 CNY.
  transferId = uuidv7();
  await fileDocument(t.ctx, actor, {
    type: 'ISLAND_TRANSFER',
    documentId: transferId,
    bookId: u.bookId,
    businessDate: '2026-11-20',
    toEnterpriseId: d.enterpriseId,
    toBookId: d.bookId,
    lines: [{ itemId: jerky!.id, quantity: '400', toItemId: inJerky!.id, valueCny: '240000' }],
  });
  // The downstream seasons it: 400 kg of jerky and 100 kg of ginger make 380 kg (cost 188,000 imported).
  await fileDocument(t.ctx, actor, {
    type: 'PROCESSING',
    documentId: uuidv7(),
    bookId: d.bookId,
    businessDate: '2026-11-21',
    inputs: [
      { itemId: inJerky!.id, quantity: '400' },
      { itemId: d.itemIds[0]!, quantity: '100' },
    ],
    outputs: [{ itemId: packed!.id, quantity: '380' }],
  });
  down = {
    enterpriseId: d.enterpriseId,
    bookId: d.bookId,
    packedId: packed!.id,
    auth: await t.authFor('enterprise_user', { enterpriseId: d.enterpriseId }),
  };
}, 600_000);
afterAll(async () => {
  await t?.close();
});

describe('cumulative numbers (累计编号)', () => {
  it('the transfer issues a number with the upstream book figures; asked again, the same number', async () => {
    const res = await post('/api/v1/value-added/cumulative-numbers', { transferDocumentId: transferId }, up.auth);
    expect(res.statusCode, res.body).toBe(201);
    const n = res.json();
    expect(n).toMatchObject({
      upstreamEnterpriseId: up.enterpriseId,
      downstreamEnterpriseId: down.enterpriseId,
      downstreamBookId: down.bookId,
      itemId: up.jerkyId,
      quantity: '400',
      salePrice: '240000.00',
      importedMaterials: '178000.00',
      domesticMaterials: '0.00',
      hainanMadeInputs: '0.00',
      ratio: '0.3483',
      businessDate: '2026-11-20',
    });
    expect(n.number).toMatch(/^LJ20266401\d{10}$/);
    number = n.number;
    const again = await post('/api/v1/value-added/cumulative-numbers', { transferDocumentId: transferId }, up.auth);
    expect(again.json().number).toBe(number);
    const audit = await get(`/api/v1/audit/entries/${n.auditSeq}`, inspector);
    expect(audit.json()).toMatchObject({ action: 'valueAdded.cumulativeNumber.issued' });
    // The downstream reads it; it cannot ask for it (the upstream's document is not its own).
    expect((await get(`/api/v1/value-added/cumulative-numbers/${number}`, down.auth)).json().number).toBe(number);
    const theirs = await post('/api/v1/value-added/cumulative-numbers', { transferDocumentId: transferId }, down.auth);
    expect(theirs.statusCode).toBe(404);
  });

  it('refused writing nothing: another price than the transfer, a document that is no transfer', async () => {
    const before = await count('value_added_cumulative_numbers');
    const price = await post(
      '/api/v1/value-added/cumulative-numbers',
      { transferDocumentId: transferId, salePrice: '300000' },
      admin,
    );
    expect(price.statusCode).toBe(409);
    const other = uuidv7();
    await fileDocument(t.ctx, actor, {
      type: 'SCRAP',
      documentId: other,
      bookId: up.bookId,
      reason: 'spoiled',
      lines: [{ itemId: up.jerkyId, quantity: '1' }],
    });
    const scrap = await post('/api/v1/value-added/cumulative-numbers', { transferDocumentId: other }, up.auth);
    expect(scrap.statusCode).toBe(422);
    expect(scrap.headers['content-type']).toContain('application/problem+json');
    expect(scrap.json().errors[0]).toMatchObject({ path: 'transferDocumentId', rule: 'valueAdded.transferRequired' });
    expect(await count('value_added_cumulative_numbers')).toBe(before);
  });
});

describe("the downstream's ratio", () => {
  const assess = (o: Record<string, unknown>, auth = down.auth) =>
    post(
      '/api/v1/value-added/assessments',
      { bookId: down.bookId, itemId: down.packedId, quantity: '190', salePrice: '150000', ...o },
      auth,
    );

  it('citing the number counts the upstream value added: 0.5957 instead of 0.2000', async () => {
    const res = await assess({ upstream: [{ cumulativeNumber: number, quantityUsed: '200' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      ratio: '0.5957',
      ownRatio: '0.2000',
      chainRatio: '0.5957',
      cumulationApplied: true,
      meetsThreshold: true,
      outcome: 'MEETS',
      review: null,
      reviewBand: { from: '0.30', to: '0.35' },
    });
    // Without it the book counts the jerky at what the downstream paid (120,000 of 240,000), not at the
    // upstream's cost: (150,000 − 94,000 imported − 31,000 bought) ÷ 125,000 = 0.2000.
    const without = await assess({});
    expect(without.json()).toMatchObject({ ratio: '0.2000', cumulationApplied: false, outcome: 'BELOW' });
  });

  it('a forged figure, a number never issued, a number of someone else: refused, nothing written', async () => {
    const before = await count('value_added_reviews');
    const forged = await assess({
      salePrice: '124000',
      upstream: [{ cumulativeNumber: number, quantityUsed: '200', importedMaterials: '100000.00' }],
    });
    expect(forged.statusCode).toBe(422);
    expect(forged.json().errors).toEqual([
      expect.objectContaining({ path: 'upstream[0].importedMaterials', rule: 'valueAdded.cumulativeMismatch' }),
    ]);
    const never = formatValueAddedNumber({ kind: 'CUMULATIVE', year: 2026, customsCode: '6401', serial: 99_999 });
    const unknown = await assess({ upstream: [{ cumulativeNumber: never, quantityUsed: '200' }] });
    expect(unknown.json().errors[0]).toMatchObject({ rule: 'valueAdded.cumulativeUnknown' });
    const theirs = await post(
      '/api/v1/value-added/assessments',
      {
        bookId: up.bookId,
        itemId: up.jerkyId,
        quantity: '10',
        salePrice: '8000',
        upstream: [{ cumulativeNumber: number, quantityUsed: '10' }],
      },
      up.auth,
    );
    expect(theirs.json().errors[0]).toMatchObject({ rule: 'valueAdded.cumulativeNotYours' });
    expect(await count('value_added_reviews')).toBe(before);
  });

  it('an exit declaration citing the number with forged figures is refused (cumulativeMismatch)', async () => {
    const body = exitBody(down.bookId, [
      { itemId: down.packedId, quantity: '10', valueCny: '8000', netWeightKg: '10' },
    ]);
    const line = body.lines[0] as Record<string, unknown>;
    line.upstream = [
      {
        cumulativeNumber: number,
        salePrice: '240000',
        quantity: '400',
        importedMaterials: '150000',
        domesticMaterials: '0',
        quantityUsed: '10',
      },
    ];
    const before = await count('decl_declarations');
    const res = await post('/api/v1/declarations/exits', body, down.auth);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors).toEqual([
      expect.objectContaining({
        path: 'lines[0].upstream[0].importedMaterials',
        rule: 'valueAdded.cumulativeMismatch',
      }),
    ]);
    expect(await count('decl_declarations')).toBe(before);
  });
});

describe('evidence and the review queue', () => {
  let evidenceId: string;
  let reviewId: string;

  it('evidence: the SHA-256 of the uploaded bytes, in the audit log', async () => {
    const bytes = Buffer.from('发票 INV-2026-1188: 姜 100 kg, 10,000.00 CNY\n');
    const res = await post(
      '/api/v1/value-added/evidence',
      {
        kind: 'INVOICE',
        reference: number,
        fileName: 'invoice-1188.txt',
        mediaType: 'text/plain',
        contentBase64: bytes.toString('base64'),
      },
      down.auth,
    );
    expect(res.statusCode, res.body).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({ sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    evidenceId = e.id;
    const audit = (await get(`/api/v1/audit/entries/${e.auditSeq}`, inspector)).json();
    expect(audit.action).toBe('valueAdded.evidence.uploaded');
    expect(JSON.stringify(audit)).toContain(e.sha256);
    const bad = await post(
      '/api/v1/value-added/evidence',
      { kind: 'ENERGY', reference: number, fileName: 'x', mediaType: 'text/plain', contentBase64: '***' },
      down.auth,
    );
    expect(bad.json().errors[0].rule).toBe('valueAdded.evidenceEncoding');
    const mine = (await get('/api/v1/value-added/evidence', down.auth)).json().items;
    expect(mine.map((x: { id: string }) => x.id)).toEqual([evidenceId]);
    expect((await get('/api/v1/value-added/evidence', up.auth)).json().items).toEqual([]);
  });

  it('a ratio in the band (0.3191) goes to the queue; a named officer approves it once', async () => {
    const res = await post(
      '/api/v1/value-added/assessments',
      {
        bookId: down.bookId,
        itemId: down.packedId,
        quantity: '190',
        salePrice: '124000',
        upstream: [{ cumulativeNumber: number, quantityUsed: '200', salePrice: '240000.00', quantity: '400' }],
        evidenceIds: [evidenceId],
      },
      down.auth,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ratio: '0.3191', outcome: 'REVIEW', review: { status: 'PENDING' } });
    reviewId = res.json().review.id;
    const queue = (await get('/api/v1/value-added/reviews', inspector)).json().items;
    const queued = queue.find((r: { id: string }) => r.id === reviewId);
    expect(queued).toMatchObject({ ratio: '0.3191', status: 'PENDING', evidenceIds: [evidenceId] });
    expect((await get('/api/v1/value-added/reviews', down.auth)).statusCode).toBe(403);
    const noReason = await post(`/api/v1/value-added/reviews/${reviewId}/decision`, { decision: 'REJECT' }, inspector);
    expect(noReason.json().errors[0].rule).toBe('valueAdded.reasonRequired');
    const ok = await post(`/api/v1/value-added/reviews/${reviewId}/decision`, { decision: 'APPROVE' }, inspector);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'APPROVED', decidedBy: 'user:inspector-li' });
    const twice = await post(
      `/api/v1/value-added/reviews/${reviewId}/decision`,
      { decision: 'REJECT', reason: 'x' },
      admin,
    );
    expect([twice.statusCode, twice.json().errors[0].rule]).toEqual([409, 'valueAdded.reviewDecided']);
  });

  it('four eyes: the officer who asked for the review does not decide it', async () => {
    const res = await post(
      '/api/v1/value-added/assessments',
      { bookId: down.bookId, itemId: down.packedId, quantity: '190', salePrice: '165000' },
      inspector,
    );
    // Without the number the ratio is (165,000 − 125,000) ÷ 125,000 = 0.3200 from the book alone: in the band.
    expect(res.json()).toMatchObject({ outcome: 'REVIEW' });
    const id = res.json().review.id;
    const self = await post(`/api/v1/value-added/reviews/${id}/decision`, { decision: 'APPROVE' }, inspector);
    expect([self.statusCode, self.json().errors[0].rule]).toEqual([422, 'valueAdded.fourEyes']);
    const other = await post(
      `/api/v1/value-added/reviews/${id}/decision`,
      { decision: 'REJECT', reason: 'work hours not shown' },
      admin,
    );
    expect(other.json()).toMatchObject({ status: 'REJECTED', decidedBy: 'user:admin-zhao' });
  });
});
