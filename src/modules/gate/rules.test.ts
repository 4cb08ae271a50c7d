import { describe, expect, it } from 'vitest';
import {
  decideGate,
  normalisePlate,
  toleranceKg,
  type GateReading,
  type OrderForGate,
  type ReasonCode,
} from './rules.ts';

const C1 = 'CSQU3054383'; // valid (ISO 6346 example)
const C2 = 'MSKU9070323'; // valid
const BAD = 'CSQU3054384'; // wrong check digit
const OTHER = 'TGHU6203980'; // valid, not on the order
const T = new Date('2026-11-23T02:00:00Z');
const TOL = { pct: '0.03', minKg: '300' };

const order = (o: Partial<OrderForGate> = {}): OrderForGate => ({
  id: 'o1',
  portCode: 'CNHAK-XINHAI',
  plate: '琼A12345',
  containers: [C1],
  seals: ['HN-0001'],
  expectedGrossWeightKg: '25000',
  containerGoods: null,
  validFrom: new Date('2026-11-23T00:00:00Z'),
  validTo: new Date('2026-11-24T00:00:00Z'),
  status: 'OPEN',
  passedContainers: [],
  held: false,
  ...o,
});

const reading = (r: Partial<GateReading> = {}): GateReading => ({
  portCode: 'CNHAK-XINHAI',
  plate: '琼A12345',
  containers: [C1],
  weightKg: '25100',
  sealState: 'INTACT',
  at: T,
  ...r,
});

const codes = (r: GateReading, orders: OrderForGate[] = [order()]) =>
  decideGate(r, orders, TOL)
    .reasons.map((x) => x.code)
    .sort();

describe('decideGate: one reason at a time', () => {
  const table: [string, Partial<GateReading>, Partial<OrderForGate> | null, ReasonCode[]][] = [
    ['all matches', {}, {}, []],
    ['plate written with a dot and spaces', { plate: '琼A·123 45' }, {}, []],
    ['unknown plate', { plate: '琼B99999' }, {}, ['UNKNOWN_PLATE']],
    ['order for another port', { portCode: 'CNHAK-NANGANG' }, {}, ['UNKNOWN_PLATE']],
    ['cancelled order', {}, { status: 'CANCELLED' }, ['UNKNOWN_PLATE']],
    ["container not on the order (and the order's is missing)", { containers: [OTHER] }, {}, ['CONTAINER_MISMATCH']],
    ['an extra container', { containers: [C1, OTHER] }, {}, ['CONTAINER_MISMATCH']],
    [
      'one of two containers missing (unsplit order)',
      { containers: [C1] },
      { containers: [C1, C2] },
      ['CONTAINER_MISMATCH'],
    ],
    ['no container read', { containers: [] }, {}, ['CONTAINER_MISMATCH']],
    ['bad check digit', { containers: [C1, BAD] }, {}, ['CONTAINER_CHECK_DIGIT']],
    ["the order's container misread (check digit fails)", { containers: [BAD] }, {}, ['CONTAINER_CHECK_DIGIT']],
    [
      'a foreign container with a bad check digit',
      { containers: ['TGHU6203981'] },
      {},
      ['CONTAINER_CHECK_DIGIT', 'CONTAINER_MISMATCH'],
    ],
    ['overweight beyond 3%', { weightKg: '25751' }, {}, ['OVERWEIGHT']],
    ['overweight within 3%', { weightKg: '25750' }, {}, []],
    ['underweight beyond 3%', { weightKg: '24249' }, {}, ['UNDERWEIGHT']],
    ['light order: 300 kg floor', { weightKg: '1299' }, { expectedGrossWeightKg: '1000' }, []],
    ['light order: beyond the floor', { weightKg: '1301' }, { expectedGrossWeightKg: '1000' }, ['OVERWEIGHT']],
    ['seal broken', { sealState: 'BROKEN' }, {}, ['SEAL_BROKEN']],
    ['seal absent on a sealed order', { sealState: 'ABSENT' }, {}, ['SEAL_BROKEN']],
    ['seal absent on an unsealed order', { sealState: 'ABSENT' }, { seals: [] }, []],
    ['wrong seal number', { seals: ['HN-9999'] }, {}, ['SEAL_MISMATCH']],
    ['right seal number', { seals: ['HN-0001'] }, {}, []],
    ['inspection hold', {}, { held: true }, ['INSPECTION_HOLD']],
    ['order expired', { at: new Date('2026-11-24T00:00:00Z') }, {}, ['ORDER_EXPIRED']],
    ['order not yet valid', { at: new Date('2026-11-22T23:59:59Z') }, {}, ['ORDER_NOT_YET_VALID']],
    [
      'order already left',
      {},
      { status: 'PASSED', passedContainers: [C1] },
      ['CONTAINER_ALREADY_PASSED', 'ORDER_ALREADY_PASSED'],
    ],
    ['reservation voided meanwhile', {}, { reservationProblem: 'reservation r is VOID' }, ['RESERVATION_NOT_OPEN']],
    ['no containers at all (boxed goods)', { containers: [] }, { containers: [] }, []],
  ];
  it.each(table)('%s', (_name, r, o, expected) => {
    expect(codes(reading(r), o === null ? [] : [order(o)])).toEqual([...expected].sort());
    expect(decideGate(reading(r), o === null ? [] : [order(o)], TOL).decision).toBe(
      expected.length ? 'DIVERT' : 'PASS',
    );
  });
});

describe('decideGate: combinations report every reason', () => {
  it('unknown plate with a broken seal and a bad check digit', () => {
    expect(codes(reading({ plate: '琼B1', sealState: 'BROKEN', containers: [BAD] }))).toEqual([
      'CONTAINER_CHECK_DIGIT',
      'SEAL_BROKEN',
      'UNKNOWN_PLATE',
    ]);
  });
  it('overweight, broken seal, held and expired together', () => {
    expect(
      codes(reading({ weightKg: '30000', sealState: 'BROKEN', at: new Date('2026-11-25T00:00:00Z') }), [
        order({ held: true }),
      ]),
    ).toEqual(['INSPECTION_HOLD', 'ORDER_EXPIRED', 'OVERWEIGHT', 'SEAL_BROKEN']);
  });
  it('wrong container with a bad check digit and underweight', () => {
    expect(codes(reading({ containers: [OTHER, BAD], weightKg: '10000' }))).toEqual([
      'CONTAINER_CHECK_DIGIT',
      'CONTAINER_MISMATCH',
      'UNDERWEIGHT',
    ]);
  });
  it('every pair of single-reason readings gives the union of their reasons', () => {
    const singles: [Partial<GateReading>, Partial<OrderForGate>, ReasonCode][] = [
      [{ weightKg: '26000' }, {}, 'OVERWEIGHT'],
      [{ sealState: 'BROKEN' }, {}, 'SEAL_BROKEN'],
      [{}, { held: true }, 'INSPECTION_HOLD'],
      [{ at: new Date('2026-11-24T01:00:00Z') }, {}, 'ORDER_EXPIRED'],
      [{ containers: [C1, BAD] }, {}, 'CONTAINER_CHECK_DIGIT'],
      [{ containers: [C1, OTHER] }, {}, 'CONTAINER_MISMATCH'],
      [{}, { reservationProblem: 'void' }, 'RESERVATION_NOT_OPEN'],
      [{ seals: ['X-1'] }, {}, 'SEAL_MISMATCH'],
    ];
    for (const [ra, oa, ca] of singles) {
      for (const [rb, ob, cb] of singles) {
        if (ca === cb || (ra.containers && rb.containers)) continue;
        const got = codes(reading({ ...ra, ...rb }), [order({ ...oa, ...ob })]);
        expect(got, `${ca} + ${cb}`).toEqual([...new Set([ca, cb])].sort());
      }
    }
  });
  it('the overweight reason says by how much', () => {
    const d = decideGate(reading({ weightKg: '27000.4' }), [order()], TOL);
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'OVERWEIGHT', byKg: '2000.4' })]);
    expect(d.reasons[0]!.detail).toContain('overweight by 2000.4 kg');
  });
});

describe('decideGate: choosing the order and partial exits', () => {
  it("prefers the open, valid order with the truck's containers over an expired one", () => {
    const expired = order({ id: 'old', validTo: new Date('2026-11-23T01:00:00Z'), containers: [C2] });
    const d = decideGate(reading(), [expired, order()], TOL);
    expect(d).toMatchObject({ decision: 'PASS', releaseOrderId: 'o1', complete: true, leaving: [C1] });
  });
  it('a split order lets a subset leave, weighed against those containers', () => {
    const split = order({
      containers: [C1, C2],
      expectedGrossWeightKg: '50000',
      containerGoods: [
        { container: C1, grossWeightKg: '26000', goods: [] },
        { container: C2, grossWeightKg: '24000', goods: [] },
      ],
    });
    const first = decideGate(reading({ weightKg: '26000' }), [split], TOL);
    expect(first).toMatchObject({ decision: 'PASS', leaving: [C1], complete: false, expectedWeightKg: '26000' });
    const second = decideGate(
      reading({ containers: [C2], weightKg: '24100' }),
      [{ ...split, passedContainers: [C1] }],
      TOL,
    );
    expect(second).toMatchObject({ decision: 'PASS', leaving: [C2], complete: true });
    const again = decideGate(
      reading({ containers: [C1], weightKg: '24000' }),
      [{ ...split, passedContainers: [C1] }],
      TOL,
    );
    expect(again.reasons.map((r) => r.code)).toEqual(['CONTAINER_ALREADY_PASSED']);
  });
  it('tolerance is the larger of the ratio and the floor', () => {
    expect(toleranceKg('25000', TOL).toString()).toBe('750');
    expect(toleranceKg('1000', TOL).toString()).toBe('300');
  });
  it('normalises plates', () => {
    expect(normalisePlate('琼a·12 3-45')).toBe('琼A12345');
  });
});
