import { describe, expect, it } from 'vitest';
import { carriedAtPrice, D } from '../tax/rules.ts';
import {
  correctionReviewStep,
  carriedFigures,
  carriedShare,
  citedNumberViolations,
  cumulativeFigures,
  downstreamValueAdded,
  exitReviewDue,
  inReviewBand,
  quantityLeft,
  recordOf,
  reviewDecisionViolations,
  reviewedLine,
  type IssuedNumber,
  type TransferFacts,
} from './rules.ts';

const UP = 'book-up';
const transfer = (o: Partial<TransferFacts> = {}): TransferFacts => ({
  documentType: 'ISLAND_TRANSFER',
  documentStatus: 'POSTED',
  businessDate: '2026-11-20',
  upstreamBookId: UP,
  upstreamRegime: 'PROCESSING_VALUE_ADDED',
  downstreamRegime: 'PROCESSING_VALUE_ADDED',
  upstreamQualified: true,
  downstreamQualified: true,
  lineNo: 0,
  movements: [
    {
      bookId: UP,
      itemId: 'jerky',
      from: 'stock',
      to: 'island',
      quantity: '400',
      importedCny: '178000.00',
      domesticCny: '0.00',
      hainanMadeCny: '0.00',
      lineNo: 0,
    },
    {
      bookId: 'book-down',
      itemId: 'jerky-down',
      from: 'island',
      to: 'stock',
      quantity: '400',
      // At the price of 240,000 (tax carriedAtPrice): the imported content, the rest bought material.
      importedCny: '178000.00',
      domesticCny: '62000.00',
      hainanMadeCny: '0.00',
      lineNo: 0,
    },
  ],
  documentPrice: null,
  askedPrice: '240000',
  ...o,
});

describe('cumulative figures of an island transfer line', () => {
  it('come from the upstream movement, the price from the transfer or the request', () => {
    const r = cumulativeFigures(transfer());
    expect(r.ok && r.value).toMatchObject({
      itemId: 'jerky',
      quantity: '400',
      salePrice: '240000.00',
      importedCny: '178000.00',
      domesticCny: '0.00',
      ratio: '0.3483',
    });
    const priced = cumulativeFigures(transfer({ documentPrice: '240000', askedPrice: null }));
    expect(priced.ok && priced.value.salePrice).toBe('240000.00');
  });

  it.each([
    ['not a transfer', { documentType: 'PROCESSING' }, 'valueAdded.transferRequired'],
    ['not posted', { documentStatus: 'PENDING_APPROVAL' }, 'valueAdded.transferRequired'],
    ['into no book (taxed transfer)', { downstreamRegime: null }, 'valueAdded.processingBooks'],
    ['from a zero-tariff book', { upstreamRegime: 'ZERO_TARIFF' }, 'valueAdded.processingBooks'],
    ['no such line', { lineNo: 3 }, 'valueAdded.transferLine'],
    ['no price anywhere', { askedPrice: null }, 'valueAdded.salePriceRequired'],
    ['another price than the transfer', { documentPrice: '250000' }, 'valueAdded.priceMismatch'],
    [
      'entered at the seller cost (a transfer recorded before the price was carried)',
      { movements: transfer().movements.map((m) => (m.from === 'island' ? { ...m, domesticCny: '0.00' } : m)) },
      'valueAdded.transferAtCost',
    ],
    ['upstream not qualified', { upstreamQualified: false }, 'valueAdded.processingQualification'],
    ['downstream not qualified', { downstreamQualified: false }, 'valueAdded.downstreamProcessingQualification'],
  ])('refused: %s', (_what, o, rule) => {
    const r = cumulativeFigures(transfer(o as Partial<TransferFacts>));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violations.map((v) => v.rule)).toEqual([rule]);
  });
});

const issued: IssuedNumber = {
  number: 'LJ202664010000000125',
  downstreamEnterpriseId: 'down',
  quantity: '400',
  quantityUsed: '0',
  salePrice: '240000.00',
  importedCny: '178000.00',
  domesticCny: '0.00',
  hainanMadeCny: '0.00',
};
const registry = new Map([[issued.number, issued]]);

describe('a cited number against the registry', () => {
  it.each([
    ['no figures: accepted', {}, 'down', []],
    [
      'the issued figures: accepted',
      { salePrice: '240000', importedMaterials: '178000.00', quantity: '400' },
      'down',
      [],
    ],
    ['a forged price', { salePrice: '300000' }, 'down', ['upstream[0].salePrice valueAdded.cumulativeMismatch']],
    [
      'forged materials',
      { importedMaterials: '100000', domesticMaterials: '1' },
      'down',
      [
        'upstream[0].importedMaterials valueAdded.cumulativeMismatch',
        'upstream[0].domesticMaterials valueAdded.cumulativeMismatch',
      ],
    ],
    ['cited by another enterprise', {}, 'other', ['upstream[0].cumulativeNumber valueAdded.cumulativeNotYours']],
    [
      'a number never issued',
      { cumulativeNumber: 'LJ202664010000000222' },
      'down',
      ['upstream[0].cumulativeNumber valueAdded.cumulativeUnknown'],
    ],
  ])('%s', (_what, o, enterprise, expected) => {
    const cited = [{ cumulativeNumber: issued.number, ...o }];
    const v = citedNumberViolations(cited, registry, enterprise, (i) => `upstream[${i}]`);
    expect(v.map((x) => `${x.path} ${x.rule}`)).toEqual(expected);
  });

  it.each([
    ['all that is left', '0', '400', []],
    ['what is left after 300 were written off', '300', '100', []],
    ['more than is left', '300', '100.000001', ['upstream[0].quantityUsed valueAdded.cumulativeExhausted']],
    ['anything of a number used up', '400', '1', ['upstream[0].quantityUsed valueAdded.cumulativeExhausted']],
  ])('quantity: %s', (_what, used, quantityUsed, expected) => {
    const n = { ...issued, quantityUsed: used };
    const v = citedNumberViolations(
      [{ cumulativeNumber: n.number, quantityUsed }],
      new Map([[n.number, n]]),
      'down',
      (i) => `upstream[${i}]`,
    );
    expect(v.map((x) => `${x.path} ${x.rule}`)).toEqual(expected);
    expect(quantityLeft(n).toString()).toBe(new D(400).minus(used).toString());
  });
});

describe('the downstream ratio with the upstream value added', () => {
  // The downstream bought 400 kg of jerky for 240,000 (upstream materials 178,000) and packs it with
  // 20,000 of domestic materials, selling for 300,000. Its book holds the jerky at its price: the
  // 178,000 imported content as imported, the other 62,000 as bought material; + 20,000 domestic.
  const basis = { importedCny: '178000.00', domesticCny: '82000.00', hainanMadeCny: '0.00' };
  const uses = [{ record: recordOf(issued), quantityUsed: '400' }];

  it('the book carries bought processed goods at the transfer price, the imported content apart', () => {
    expect(carriedShare(uses[0]!)).toEqual({ imported: new D('178000'), domestic: new D('62000') });
    const c = carriedAtPrice('178000', '240000');
    expect([c.imported.toFixed(2), c.domestic.toFixed(2)]).toEqual(['178000.00', '62000.00']);
    // Sold at a loss: the imported content still travels on (the second line taxes it); nothing negative.
    const loss = carriedAtPrice('178000', '150000');
    expect([loss.imported.toFixed(2), loss.domestic.toFixed(2)]).toEqual(['178000.00', '0.00']);
  });

  it('the book alone (no number cited) counts the upstream goods at their price, not their cost', () => {
    const r = downstreamValueAdded({ salePrice: '300000', basis, uses: [] }, '0.30');
    expect(r.ok && r.value.result.ratio.toFixed(4)).toBe('0.1538');
    expect(r.ok && r.value.meetsThreshold).toBe(false);
  });

  it('without the number the upstream goods count at their price; with it, at their materials', () => {
    const r = downstreamValueAdded({ salePrice: '300000', basis, uses }, '0.30');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // Own: (300,000 − 240,000 − 20,000) ÷ 260,000 = 0.1538; chain: (300,000 − 178,000 − 20,000) ÷ 198,000 = 0.5152.
    expect(r.value.own.ratio.toFixed(4)).toBe('0.1538');
    expect(r.value.chain!.ratio.toFixed(4)).toBe('0.5152');
    expect([r.value.cumulationApplied, r.value.meetsThreshold]).toEqual([true, true]);
  });

  it('a share of the number: half the quantity carries half the figures', () => {
    const half = { importedCny: '89000.00', domesticCny: '41000.00', hainanMadeCny: '0.00' };
    const r = downstreamValueAdded(
      { salePrice: '150000', basis: half, uses: [{ record: recordOf(issued), quantityUsed: '200' }] },
      '0.30',
    );
    expect(r.ok && r.value.result.ratio.toFixed(4)).toBe('0.5152');
  });

  it.each([
    ['more cited than the book holds', { importedCny: '100000.00' }, '400', 'valueAdded.cumulativeExceedsBook'],
    [
      'more used than the number covers',
      { importedCny: '300000.00', domesticCny: '100000.00' },
      '500',
      'valueAdded.quantityWithinRecord',
    ],
  ])('refused: %s', (_what, b, quantityUsed, rule) => {
    const r = downstreamValueAdded(
      { salePrice: '300000', basis: { ...basis, ...b }, uses: [{ record: recordOf(issued), quantityUsed }] },
      '0.30',
    );
    expect(!r.ok && r.violations.map((v) => v.rule)).toEqual([rule]);
  });
});

describe('the review band', () => {
  it.each([
    ['0.2999', false],
    ['0.30', true],
    ['0.3483', true],
    ['0.3499', true],
    ['0.35', false],
    ['0.4045', false],
  ])('ratio %s in [0.30, 0.35): %s', (ratio, expected) => {
    expect(inReviewBand(new D(ratio), '0.30', '0.35')).toBe(expected);
  });

  it.each([
    ['approve by another officer', { status: 'PENDING' }, 'APPROVE', 'user:li', undefined, null],
    ['reject with a reason', { status: 'PENDING' }, 'REJECT', 'user:li', 'invoices do not cover it', null],
    ['reject without a reason', { status: 'PENDING' }, 'REJECT', 'user:li', ' ', 'valueAdded.reasonRequired'],
    ['the asker decides', { status: 'PENDING' }, 'APPROVE', 'user:wang', undefined, 'valueAdded.fourEyes'],
    ['decided already', { status: 'APPROVED' }, 'REJECT', 'user:li', 'x', 'valueAdded.reviewDecided'],
    ['closed with its exit', { status: 'CLOSED' }, 'APPROVE', 'user:li', undefined, 'valueAdded.reviewDecided'],
  ] as const)('%s', (_what, review, decision, officer, reason, rule) => {
    const v = reviewDecisionViolations({ ...review, requestedBy: 'user:wang' }, { decision, officer, reason });
    expect(v?.violation.rule ?? null).toBe(rule);
  });

  it.each([
    ['exempt in the band: waits', '0.3191', true, true],
    ['exempt above the band: goes', '0.3500', true, false],
    ['below the threshold: pays duty, nothing to wait for', '0.2999', false, false],
  ])('an exit line %s', (_what, ratio, exempt, due) => {
    expect(exitReviewDue({ ratio: new D(ratio), exempt }, '0.30', '0.35')).toBe(due);
  });

  it('a rejected review taxes the line as below the threshold; an approved one keeps the exemption', () => {
    const va = { ratio: '0.3191', meetsThreshold: true, threshold: '0.30', confirmationNumber: null };
    expect(reviewedLine(va, 'APPROVED')).toMatchObject({ meetsThreshold: true, review: 'APPROVED' });
    expect(reviewedLine(va, 'REJECTED')).toMatchObject({ meetsThreshold: false, review: 'REJECTED' });
  });
});

describe('the number of the middle of a chain (carriedFigures)', () => {
  // A's number: 20 kg at 12,000, A's materials 8,900 imported. B's book: the 20 kg at 12,000 (8,900 + 3,100) plus
  // 1,000 of B's packaging; B sells to C for 16,000.
  const a = {
    record: {
      number: 'LJA',
      salePrice: '12000.00',
      quantity: '20',
      importedMaterials: '8900.00',
      domesticMaterials: '0.00',
      hainanMadeInputs: '0.00',
    },
    quantityUsed: '20',
  };
  const book = { importedCny: '8900.00', domesticCny: '4100.00', hainanMadeCny: '0.00' };
  const goods = { salePrice: '16000', quantity: '20' };
  it.each([
    ['no number cited: the book as it is', [], { importedCny: '8900.00', domesticCny: '4100.00' }],
    ["A's number cited: B's 1,000 and A's 8,900", [a], { importedCny: '8900.00', domesticCny: '1000.00' }],
    [
      "half of A's number: half the price out, half of A's materials in",
      [{ ...a, quantityUsed: '10' }],
      { importedCny: '8900.00', domesticCny: '2550.00' },
    ],
  ] as const)('%s', (_what, uses, figures) => {
    const r = carriedFigures(book, uses, goods);
    expect(r).toEqual({ ok: true, value: { ...figures, hainanMadeCny: '0.00' } });
  });

  it('more cited than the goods carry is refused (valueAdded.cumulativeExceedsBook)', () => {
    const r = carriedFigures({ importedCny: '8900.00', domesticCny: '0.00', hainanMadeCny: '0.00' }, [a], goods);
    expect(r.ok ? null : r.violations[0]!.rule).toBe('valueAdded.cumulativeExceedsBook');
  });

  it("cumulativeFigures: the number's ratio counts A's value added as value added, (16,000 − 9,900) ÷ 9,900", () => {
    const r = cumulativeFigures(
      transfer({
        documentPrice: '16000',
        askedPrice: null,
        movements: [
          {
            bookId: UP,
            itemId: 'box',
            from: 'stock',
            to: 'island',
            quantity: '20',
            importedCny: '8900.00',
            domesticCny: '4100.00',
            hainanMadeCny: '0.00',
            lineNo: 0,
          },
        ],
        uses: [a],
      }),
    );
    expect(r.ok && r.value).toMatchObject({ importedCny: '8900.00', domesticCny: '1000.00', ratio: '0.6162' });
  });
});

describe("an inspection's correction and the line's review (correctionReviewStep)", () => {
  it.each([
    ['no review, corrected into the band: asked', undefined, true, { keep: false, queue: true, close: null }],
    ['pending, same ratio, still in the band: kept', 'PENDING', true, { keep: true, queue: false, close: null }],
    ['approved, same ratio, still in the band: kept', 'APPROVED', true, { keep: true, queue: false, close: null }],
    ['rejected: the rejection stands', 'REJECTED', false, { keep: true, queue: false, close: null }],
    ['approved, out of the band: nothing to ask', 'APPROVED', false, { keep: true, queue: false, close: null }],
    ['no review, out of the band: nothing', undefined, false, { keep: false, queue: false, close: null }],
  ] as const)('%s', (_what, review, due, step) => {
    expect(correctionReviewStep({ review, ratio: '0.3006' }, { due, ratio: '0.3006' })).toEqual(step);
  });

  it('a pending review is closed when the ratio leaves the band, and asked again when it moved within it', () => {
    const out = correctionReviewStep({ review: 'PENDING', ratio: '0.3006' }, { due: false, ratio: '0.4045' });
    expect(out).toMatchObject({ keep: false, queue: false, close: expect.stringContaining('out of the review band') });
    const moved = correctionReviewStep({ review: 'PENDING', ratio: '0.3006' }, { due: true, ratio: '0.3200' });
    expect(moved).toMatchObject({ keep: false, queue: true, close: expect.stringContaining('0.3006 to 0.3200') });
    const approvedMoved = correctionReviewStep({ review: 'APPROVED', ratio: '0.3006' }, { due: true, ratio: '0.3200' });
    expect(approvedMoved).toEqual({ keep: false, queue: true, close: null });
  });
});
