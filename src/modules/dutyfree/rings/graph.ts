/**
 * The buyer graph behind resale rings: buyers are nodes; two buyers are linked when they share an
 * identifier (payer, phone, mail address, device). Built to hold a year of Hainan's buyers (about
 * 7 million, 20-30 million identifiers) in typed arrays: a JavaScript Map stops at 2^24 entries and
 * spends ~80 bytes on each, an open-addressing table of 64-bit hashes spends 17.
 *
 * Links are not stored as buyer pairs (an identifier shared by k buyers would be k(k-1)/2 pairs):
 * each identifier remembers the first buyer seen with it, and every use of it by another buyer adds
 * one (identifier, buyer) edge, duplicates removed when the graph is cut. Components are then a
 * union-find over those edges.
 */
import { LINK_KINDS, linksBuyers, type LinkKind, type RingParameters } from './rules.ts';

/** 64 bits of hash (two 32-bit lanes, cyrb53's mixing) of an identifier and its kind. */
export function hashIdentifier(kind: number, key: string, out: Uint32Array): void {
  let h1 = 0xdeadbeef ^ kind;
  let h2 = 0x41c6ce57 ^ (kind * 0x9e3779b1);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

const hashHex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

/** The hash of an identifier as a link names it (16 hex digits). */
export function identifierHash(kind: LinkKind, key: string): string {
  const h = new Uint32Array(2);
  hashIdentifier(LINK_KINDS.indexOf(kind), key, h);
  return hashHex(h[0]!, h[1]!);
}

/**
 * Identifiers by their 64-bit hash, with linear probing: 13 bytes a slot, the kind and the first
 * buyer seen with the identifier (that buyer using it again adds nothing; most identifiers are one
 * buyer's own). The table stays at most 70% full.
 */
export class IdentifierTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** The kind + 1 (0 marks an empty slot). */
  kind: Uint8Array;
  first: Int32Array;
  size = 0;

  constructor(capacity = 1 << 16) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.kind = new Uint8Array(cap);
    this.first = new Int32Array(cap);
  }

  get capacity(): number {
    return this.kind.length;
  }

  /**
   * The slot of an identifier, or -1 - slot when it was new (then `first` is unset): a number, not
   * an object, because this runs for every identifier of every sale.
   */
  slotOf(kind: number, h: Uint32Array): number {
    if ((this.size + 1) * 10 > this.capacity * 7) this.grow();
    return this.probe(kind, h[0]!, h[1]!);
  }

  private probe(kind: number, hi: number, lo: number): number {
    const mask = this.capacity - 1;
    let i = (lo ^ Math.imul(hi, 0x85ebca6b)) & mask;
    for (;;) {
      const k = this.kind[i]!;
      if (k === 0) {
        this.kind[i] = kind + 1;
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.size++;
        return -1 - i;
      }
      if (k === kind + 1 && this.hi[i] === hi && this.lo[i] === lo) return i;
      i = (i + 1) & mask;
    }
  }

  /** Doubles the table; slot numbers change, so it may only happen before edges refer to slots. */
  private grow(): void {
    if (this.onGrow === null) throw new Error('IdentifierTable cannot grow after its slots were handed out.');
    const { hi, lo, kind, first } = this;
    const cap = kind.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.kind = new Uint8Array(cap);
    this.first = new Int32Array(cap);
    this.size = 0;
    const moved = new Int32Array(kind.length);
    for (let i = 0; i < kind.length; i++) {
      if (kind[i] === 0) continue;
      const slot = -1 - this.probe(kind[i]! - 1, hi[i]!, lo[i]!);
      this.first[slot] = first[i]!;
      moved[i] = slot;
    }
    this.onGrow(moved);
  }

  /** Called with old slot → new slot when the table grows, so edges can follow; null forbids growth. */
  onGrow: ((moved: Int32Array) => void) | null = () => {};

  hashHex(slot: number): string {
    return hashHex(this.hi[slot]!, this.lo[slot]!);
  }
}

/** Union-find with union by size and path halving: near-constant time per operation. */
export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return ra;
  }
}

/** One identifier that links buyers. */
export interface SharedIdentifier {
  kind: LinkKind;
  /** 16 hex digits: the identifier's hash, stable across runs for the same identifier. */
  hash: string;
  /** Buyer numbers, ascending. */
  buyers: number[];
}

export interface Component {
  /** Buyer numbers, ascending. */
  members: number[];
  links: SharedIdentifier[];
}

export interface GraphStats {
  identifiers: number;
  /** Identifiers seen with two or more buyers. */
  shared: number;
  /** Shared by more than maxSharedBuyers: ignored as public. */
  publicIdentifiers: number;
  /** Shared, but of a kind too weak to link. */
  weak: number;
  edges: number;
}

/** Collects (identifier, buyer) observations as they stream, then cuts the graph into components. */
export class LinkGraph {
  readonly table: IdentifierTable;
  private edges: Int32Array;
  private edgeCount = 0;
  private readonly h = new Uint32Array(2);

  constructor(capacity = 1 << 16) {
    this.table = new IdentifierTable(capacity);
    this.edges = new Int32Array(1 << 16);
    this.table.onGrow = (moved) => this.remap(moved);
  }

  /**
   * Buyer `buyer` used identifier `key` of `kind`. Only hashes are kept (a year of unique identifiers
   * as strings would not fit): a caller that shows a link matches its hash against the identifiers
   * of the few buyers involved (hashIdentifier).
   */
  observe(kind: LinkKind, key: string, buyer: number): void {
    const k = LINK_KINDS.indexOf(kind);
    hashIdentifier(k, key, this.h);
    const found = this.table.slotOf(k, this.h);
    const created = found < 0;
    const slot = created ? -1 - found : found;
    const t = this.table;
    if (created) t.first[slot] = buyer;
    else if (t.first[slot] !== buyer) this.push(slot, buyer);
  }

  private push(slot: number, buyer: number): void {
    if (this.edgeCount * 2 + 2 > this.edges.length) {
      const bigger = new Int32Array(this.edges.length * 2);
      bigger.set(this.edges);
      this.edges = bigger;
    }
    this.edges[this.edgeCount * 2] = slot;
    this.edges[this.edgeCount * 2 + 1] = buyer;
    this.edgeCount++;
  }

  private remap(moved: Int32Array): void {
    for (let i = 0; i < this.edgeCount; i++) this.edges[i * 2] = moved[this.edges[i * 2]!]!;
  }

  /**
   * The components of at least `p.ring.minSize` buyers over `buyers` buyer numbers. Public
   * identifiers (more than maxSharedBuyers buyers) and kinds below the minimum weight link nobody.
   */
  components(buyers: number, p: RingParameters): { components: Component[]; stats: GraphStats } {
    this.table.onGrow = null;
    const n = this.edgeCount;
    // Sort (slot, buyer) pairs as one exact integer each: slot × 2^24 + buyer stays below 2^53.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.edges[i * 2]! * 16_777_216 + this.edges[i * 2 + 1]!;
    if (buyers > 16_777_216) throw new RangeError('At most 2^24 buyers per detection run.');
    keys.sort();
    const uf = new UnionFind(buyers);
    const links: { slot: number; buyers: number[] }[] = [];
    const stats: GraphStats = { identifiers: this.table.size, shared: 0, publicIdentifiers: 0, weak: 0, edges: n };
    for (let i = 0; i < n; ) {
      const slot = Math.floor(keys[i]! / 16_777_216);
      const group = new Set<number>([this.table.first[slot]!]);
      for (; i < n && Math.floor(keys[i]! / 16_777_216) === slot; i++) group.add(keys[i]! % 16_777_216);
      if (group.size < 2) continue;
      stats.shared++;
      const kind = LINK_KINDS[this.table.kind[slot]! - 1]!;
      if (group.size > p.maxSharedBuyers) {
        stats.publicIdentifiers++;
        continue;
      }
      if (!linksBuyers(kind, p)) {
        stats.weak++;
        continue;
      }
      const members = [...group].sort((a, b) => a - b);
      for (let j = 1; j < members.length; j++) uf.union(members[0]!, members[j]!);
      links.push({ slot, buyers: members });
    }
    const byRoot = new Map<number, Component>();
    for (const l of links) {
      const root = uf.find(l.buyers[0]!);
      let c = byRoot.get(root);
      if (!c) byRoot.set(root, (c = { members: [], links: [] }));
      const kind = LINK_KINDS[this.table.kind[l.slot]! - 1]!;
      c.links.push({ kind, hash: this.table.hashHex(l.slot), buyers: l.buyers });
    }
    const components: Component[] = [];
    for (const [root, c] of byRoot) {
      if (uf.size[root]! < p.ring.minSize) continue;
      const members = new Set<number>();
      for (const l of c.links) for (const b of l.buyers) members.add(b);
      c.members = [...members].sort((a, b) => a - b);
      components.push(c);
    }
    components.sort((a, b) => a.members[0]! - b.members[0]!);
    return { components, stats };
  }
}
