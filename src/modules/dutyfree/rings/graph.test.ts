import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashIdentifier, identifierHash, IdentifierTable, LinkGraph, UnionFind } from './graph.ts';
import { DEFAULT_RING_PARAMETERS as P } from './parameters.ts';
import { LINK_KINDS, type LinkKind, type RingParameters } from './rules.ts';

describe('hashIdentifier', () => {
  it('is stable, and differs by kind and by key', () => {
    expect(identifierHash('PHONE', '13800000000')).toBe(identifierHash('PHONE', '13800000000'));
    expect(identifierHash('PHONE', '13800000000')).not.toBe(identifierHash('PAYER', '13800000000'));
    expect(identifierHash('PHONE', '13800000000')).not.toBe(identifierHash('PHONE', '13800000001'));
    expect(identifierHash('DEVICE', 'x')).toMatch(/^[0-9a-f]{16}$/);
  });
  it('spreads 200,000 similar keys over 64 bits without a collision', () => {
    const seen = new Set<string>();
    const h = new Uint32Array(2);
    for (let i = 0; i < 200_000; i++) {
      hashIdentifier(1, `1380${String(i).padStart(7, '0')}`, h);
      seen.add(`${h[0]}:${h[1]}`);
    }
    expect(seen.size).toBe(200_000);
  });
});

describe('IdentifierTable', () => {
  it('finds what it stored after growing many times', () => {
    const t = new IdentifierTable(16);
    const h = new Uint32Array(2);
    const slots = new Map<string, number>();
    t.onGrow = (moved) => {
      for (const [k, s] of slots) slots.set(k, moved[s]!);
    };
    for (let i = 0; i < 5000; i++) {
      hashIdentifier(i % 4, `k${i}`, h);
      const found = t.slotOf(i % 4, h);
      expect(found).toBeLessThan(0);
      const slot = -1 - found;
      t.first[slot] = i;
      slots.set(`k${i}`, slot);
    }
    expect(t.size).toBe(5000);
    expect(t.capacity).toBeGreaterThanOrEqual(8192);
    for (let i = 0; i < 5000; i++) {
      hashIdentifier(i % 4, `k${i}`, h);
      const slot = t.slotOf(i % 4, h);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBe(slots.get(`k${i}`));
      expect(t.first[slot]).toBe(i);
    }
  });
});

describe('UnionFind', () => {
  it('joins sets and counts their sizes', () => {
    const uf = new UnionFind(6);
    uf.union(0, 1);
    uf.union(2, 3);
    uf.union(1, 3);
    expect(uf.find(0)).toBe(uf.find(2));
    expect(uf.find(4)).not.toBe(uf.find(0));
    expect(uf.size[uf.find(0)]).toBe(4);
  });
});

const params = (over: Partial<RingParameters> = {}): RingParameters => ({ ...P, ...over });

describe('LinkGraph.components', () => {
  it('chains buyers through different kinds of identifier', () => {
    const g = new LinkGraph(16);
    g.observe('PHONE', 'p1', 0);
    g.observe('PHONE', 'p1', 1);
    g.observe('ADDRESS', 'a1', 1);
    g.observe('ADDRESS', 'a1', 2);
    g.observe('PAYER', 'c9', 3);
    const { components, stats } = g.components(4, params());
    expect(components).toHaveLength(1);
    expect(components[0]!.members).toEqual([0, 1, 2]);
    expect(components[0]!.links.map((l) => [l.kind, l.buyers])).toEqual(
      expect.arrayContaining([
        ['PHONE', [0, 1]],
        ['ADDRESS', [1, 2]],
      ]),
    );
    expect(components[0]!.links.find((l) => l.kind === 'PHONE')!.hash).toBe(identifierHash('PHONE', 'p1'));
    expect(stats).toMatchObject({ identifiers: 3, shared: 2, publicIdentifiers: 0 });
  });

  it('counts a buyer once however often it uses an identifier', () => {
    const g = new LinkGraph(16);
    for (let i = 0; i < 10; i++) for (const b of [0, 1, 2]) g.observe('PAYER', 'card', b);
    const { components } = g.components(3, params());
    expect(components[0]!.links).toHaveLength(1);
    expect(components[0]!.links[0]!.buyers).toEqual([0, 1, 2]);
  });

  it('ignores public identifiers and kinds under the minimum weight', () => {
    const g = new LinkGraph(16);
    for (let b = 0; b < 8; b++) g.observe('DEVICE', 'shop-kiosk', b);
    g.observe('ADDRESS', 'hotel', 0);
    g.observe('ADDRESS', 'hotel', 1);
    const weakAddress = params({ maxSharedBuyers: 5, linkWeights: { ...P.linkWeights, ADDRESS: 0 } });
    const { components, stats } = g.components(8, weakAddress);
    expect(components).toEqual([]);
    expect(stats).toMatchObject({ publicIdentifiers: 1, weak: 1 });
  });

  it('leaves out components under the minimum size', () => {
    const g = new LinkGraph(16);
    g.observe('PHONE', 'x', 0);
    g.observe('PHONE', 'x', 1);
    expect(g.components(2, params({ ring: { ...P.ring, minSize: 3 } })).components).toEqual([]);
  });

  it('property: the components are those of the buyer-pair graph (breadth-first search)', () => {
    const obs = fc.array(
      fc.record({
        kind: fc.constantFrom(...LINK_KINDS),
        key: fc.integer({ min: 0, max: 12 }),
        buyer: fc.integer({ min: 0, max: 29 }),
      }),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(obs, (list) => {
        const g = new LinkGraph(16);
        for (const o of list) g.observe(o.kind, `k${o.key}`, o.buyer);
        const got = g.components(30, params()).components.map((c) => c.members.join(','));
        expect(got.sort()).toEqual(naiveComponents(list).sort());
      }),
    );
  });
});

/** Components of at least 2 buyers, by brute force over the buyers sharing each identifier. */
function naiveComponents(list: { kind: LinkKind; key: number; buyer: number }[]): string[] {
  const users = new Map<string, Set<number>>();
  for (const o of list) {
    const k = `${o.kind}:${o.key}`;
    if (!users.has(k)) users.set(k, new Set());
    users.get(k)!.add(o.buyer);
  }
  const adj = new Map<number, Set<number>>();
  for (const set of users.values()) {
    if (set.size < 2 || set.size > P.maxSharedBuyers) continue;
    for (const a of set) for (const b of set) if (a !== b) (adj.get(a) ?? adj.set(a, new Set()).get(a)!).add(b);
  }
  const done = new Set<number>();
  const out: string[] = [];
  for (const start of adj.keys()) {
    if (done.has(start)) continue;
    const comp: number[] = [];
    const queue = [start];
    done.add(start);
    while (queue.length) {
      const x = queue.shift()!;
      comp.push(x);
      for (const y of adj.get(x) ?? []) if (!done.has(y)) done.add(y), queue.push(y);
    }
    out.push(comp.sort((a, b) => a - b).join(','));
  }
  return out;
}
