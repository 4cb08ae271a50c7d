import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256Hex } from '../crypto.ts';
import {
  advance,
  anchorHash,
  bodyDigest,
  bytesPartitionedHash,
  checkInclusionProof,
  checkLink,
  fastPartitionedHash,
  toStoredEntry,
  emptyHead,
  GENESIS_HASH,
  headLeaf,
  headsRoot,
  legacyHash,
  partitionedHash,
  partitionOf,
  PARTITIONED_FORMAT,
  startOfPartition,
  type Head,
  type InclusionProof,
  type ProofLink,
  type StoredEntry,
} from './chain.ts';
import { merklePath } from './merkle.ts';

/** Builds a valid chain for one partition from a list of changes. */
function chain(partition: number, changes: string[], firstSeq = 1): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prevHash = GENESIS_HASH;
  changes.forEach((change, i) => {
    const e = {
      seq: firstSeq + i * 3,
      at: new Date(Date.UTC(2026, 10, 23, 0, 0, i)),
      actor: 'user:a',
      action: 'thing.do',
      subject: `thing:${i}`,
      change,
      partition,
      pseq: i + 1,
      format: PARTITIONED_FORMAT,
      prevHash,
    };
    const hash = partitionedHash(e, bodyDigest(e));
    out.push({ ...e, hash });
    prevHash = hash;
  });
  return out;
}

function walk(entries: StoredEntry[], partition: number) {
  let s = startOfPartition(partition);
  for (const e of entries) {
    const broken = checkLink(e, s);
    if (broken) return broken;
    s = advance(s, e);
  }
  return null;
}

const changes = fc.array(fc.json(), { minLength: 2, maxLength: 12 });

describe('partitioned chain', () => {
  it('pins the formulas: a format-2 hash and the one-chain hash, written out by hand', () => {
    const body = {
      seq: 7,
      at: new Date('2026-11-23T01:02:03.004Z'),
      actor: 'user:a',
      action: 'x.y',
      subject: 's:1',
      change: '{"a":"1.50"}',
    };
    const digest = sha256Hex(
      '{"action":"x.y","actor":"user:a","at":"2026-11-23T01:02:03.004Z",' +
        '"change":"{\\"a\\":\\"1.50\\"}","seq":7,"subject":"s:1"}',
    );
    expect(bodyDigest(body)).toBe(digest);
    expect(partitionedHash({ partition: 3, pseq: 2, prevHash: GENESIS_HASH }, digest)).toBe(
      sha256Hex(`{"body":"${digest}","format":2,"partition":3,"prevHash":"${GENESIS_HASH}","pseq":2}`),
    );
    expect(legacyHash(body, GENESIS_HASH)).toBe(
      sha256Hex(
        `{"action":"x.y","actor":"user:a","at":"2026-11-23T01:02:03.004Z","change":"{\\"a\\":\\"1.50\\"}","prevHash":"${
          GENESIS_HASH
        }","seq":7,"subject":"s:1"}`,
      ),
    );
  });

  it('places a key in a stable partition within range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1024 }), (key, n) => {
        const p = partitionOf(key, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(partitionOf(key, n)).toBe(p);
      }),
    );
  });

  it('an intact chain walks clean; any edited, deleted, swapped or moved entry breaks it', () => {
    fc.assert(
      fc.property(changes, fc.nat(), fc.constantFrom('edit', 'delete', 'swap', 'move', 'reseq'), (texts, pick, how) => {
        const entries = chain(
          5,
          texts.map((t) => JSON.stringify(t)),
        );
        expect(walk(entries, 5)).toBeNull();
        const i = pick % (entries.length - 1);
        const tampered = [...entries];
        if (how === 'edit') tampered[i] = { ...entries[i]!, change: `${entries[i]!.change} ` };
        if (how === 'delete') tampered.splice(i, 1);
        if (how === 'swap')
          [tampered[i], tampered[i + 1]] = [
            { ...entries[i + 1]!, pseq: i + 1 },
            { ...entries[i]!, pseq: i + 2 },
          ];
        if (how === 'move') tampered[i] = { ...entries[i]!, partition: 6 };
        if (how === 'reseq') tampered[i] = { ...entries[i]!, seq: entries[i]!.seq + 1 };
        const broken = walk(tampered, 5);
        expect(broken).not.toBeNull();
        expect(broken!.pseq).toBe(i + 1);
      }),
    );
  });

  it('a global seq that goes back along the chain is a break', () => {
    const entries = chain(0, ['"a"', '"b"']);
    const e = { ...entries[1]!, seq: 0 };
    const back = { ...e, hash: partitionedHash(e, bodyDigest(e)) };
    expect(walk([entries[0]!, back], 0)?.reason).toMatch(/out of order/);
  });
});

describe('inclusion proofs', () => {
  /** A log of `partitions` partitions, anchored once; the proof of entry `pick` of partition `p`. */
  function setup(texts: string[], partitions: number, p: number, pick: number) {
    const entries = chain(p, texts);
    const heads: Head[] = Array.from({ length: partitions }, (_, i) =>
      i === p
        ? { partition: p, pseq: entries.length, hash: entries.at(-1)!.hash }
        : { ...emptyHead(i), pseq: i, hash: sha256Hex(`head ${i}`) },
    );
    const material = {
      seq: 4,
      at: new Date('2026-11-23T02:00:00Z'),
      partitionCount: partitions,
      root: headsRoot(heads),
      prevHash: sha256Hex('anchor 3'),
    };
    const entry = entries[pick % entries.length]!;
    const links: ProofLink[] = entries
      .slice(entry.pseq)
      .map((e) => ({ pseq: e.pseq, format: PARTITIONED_FORMAT, body: bodyDigest(e), hash: e.hash }));
    const proof: InclusionProof = {
      anchor: { ...material, hash: anchorHash(material) },
      head: heads[p]!,
      links,
      merklePath: merklePath(heads.map(headLeaf), p),
    };
    return { entry, proof };
  }

  it('holds for every entry of every partition, and fails when anything in it changes', () => {
    fc.assert(
      fc.property(changes, fc.integer({ min: 1, max: 20 }), fc.nat(), fc.nat(), (texts, partitions, pp, pick) => {
        const p = pp % partitions;
        const { entry, proof } = setup(
          texts.map((t) => JSON.stringify(t)),
          partitions,
          p,
          pick,
        );
        expect(checkInclusionProof(entry, proof)).toBeNull();
        expect(checkInclusionProof({ ...entry, actor: 'user:mallory' }, proof)).not.toBeNull();
        expect(
          checkInclusionProof(entry, { ...proof, anchor: { ...proof.anchor, at: new Date('2026-11-24T00:00:00Z') } }),
        ).toMatch(/anchor hashes/);
        expect(checkInclusionProof(entry, { ...proof, head: { ...proof.head, hash: GENESIS_HASH } })).not.toBeNull();
        if (proof.links.length > 0)
          expect(checkInclusionProof(entry, { ...proof, links: proof.links.slice(1) })).not.toBeNull();
        if (proof.merklePath.length > 0)
          expect(checkInclusionProof(entry, { ...proof, merklePath: proof.merklePath.slice(1) })).not.toBeNull();
      }),
    );
  });
});

describe('the verifier fast path', () => {
  it('hashes a streamed entry exactly as the reference formulas do', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 2 ** 40 }),
          partition: fc.integer({ min: 0, max: 1023 }),
          pseq: fc.integer({ min: 1, max: 2 ** 40 }),
          ms: fc.integer({ min: 0, max: 253402300799999 }),
          actor: fc.string(),
          action: fc.string(),
          subject: fc.string({ unit: 'binary' }),
          change: fc.json(),
          prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        (r) => {
          const { ms, ...rest } = r;
          const at = new Date(ms);
          const entry = { ...rest, at, format: PARTITIONED_FORMAT };
          const reference = partitionedHash(entry, bodyDigest(entry));
          const streamed = {
            ...rest,
            at: at.toISOString(),
            format: PARTITIONED_FORMAT,
            prev_hash: rest.prevHash,
            hash: reference,
            seq: String(r.seq),
          };
          expect(fastPartitionedHash(streamed, r.prevHash)).toBe(reference);
          expect(toStoredEntry(streamed)).toEqual({ ...entry, hash: reference });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hashes an entry held as UTF-8 bytes (a binary COPY row) exactly as the reference formulas do', () => {
    // Texts PostgreSQL can hold: any code point but a lone surrogate, controls and escapes included.
    const text = fc.oneof(
      fc.string({ unit: 'binary-ascii' }),
      fc.string({ unit: 'binary' }).filter((s) => !/\p{Cs}/u.test(s)),
      fc.constantFrom('', '"', '\\', '\u2028\u2029', '\u0000\u001f\u007f', 'é€😀', '\\"\n\r\t\b\f'),
    );
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
          partition: fc.integer({ min: 0, max: 1023 }),
          pseq: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
          ms: fc.integer({ min: -8.64e15, max: 8.64e15 }),
          actor: text,
          action: text,
          subject: text,
          change: fc.oneof(text, fc.json()),
          prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        (r) => {
          const entry = { ...r, at: new Date(r.ms), format: PARTITIONED_FORMAT };
          const reference = partitionedHash(entry, bodyDigest(entry));
          // The texts one after another behind a few bytes, as a row's fields sit in a COPY block.
          const parts = [r.actor, r.action, r.subject, r.change].map((t) => Buffer.from(t, 'utf8'));
          const spans = new Int32Array(11);
          let o = 3;
          parts.forEach((b, i) => {
            spans[3 + 2 * i] = o;
            spans[4 + 2 * i] = b.length;
            o += b.length + 4;
          });
          const src = Buffer.alloc(o);
          parts.forEach((b, i) => b.copy(src, spans[3 + 2 * i]));
          const t = { src, spans, at: 3 };
          expect(bytesPartitionedHash(t, r.ms, r.seq, r.partition, r.pseq, r.prevHash)).toBe(reference);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes each byte below 0x80 at any position, between any neighbours', () => {
    const at = new Date(Date.UTC(2026, 11, 7, 23, 59, 59, 999));
    const base = { seq: 7, partition: 3, pseq: 5, at, format: PARTITIONED_FORMAT, prevHash: 'c'.repeat(64) };
    for (const pad of ['a', ' ', '!', '#', '[', ']', '\u007f', 'é', '\u001f'])
      for (let b = 0; b < 0x80; b++)
        for (let position = 0; position < 4; position++) {
          const change = `${pad.repeat(position)}${String.fromCharCode(b)}${pad.repeat(7 - position)}`;
          const entry = { ...base, actor: change, action: 'a', subject: 's', change };
          const bytes = [entry.actor, entry.action, entry.subject, entry.change].map((t) => Buffer.from(t));
          const src = Buffer.concat(bytes);
          const spans = new Int32Array(8);
          let o = 0;
          bytes.forEach((x, i) => {
            spans[2 * i] = o;
            spans[2 * i + 1] = x.length;
            o += x.length;
          });
          expect(bytesPartitionedHash({ src, spans, at: 0 }, at.getTime(), 7, 3, 5, base.prevHash)).toBe(
            partitionedHash(entry, bodyDigest(entry)),
          );
        }
  });

  it('matches no hash for a null text, a time no Date holds or a previous hash that is not one', () => {
    const src = Buffer.from('abcd');
    const spans = Int32Array.from([0, 1, 1, 1, 2, 1, 3, 1]);
    const prev = 'a'.repeat(64);
    expect(bytesPartitionedHash({ src, spans, at: 0 }, 0, 1, 0, 1, prev)).toMatch(/^[0-9a-f]{64}$/);
    expect(
      bytesPartitionedHash({ src, spans: Int32Array.from([0, 1, 1, 1, 2, 1, 3, -1]), at: 0 }, 0, 1, 0, 1, prev),
    ).toBe('');
    expect(bytesPartitionedHash({ src, spans, at: 0 }, 8.64e15 + 1, 1, 0, 1, prev)).toBe('');
    expect(bytesPartitionedHash({ src, spans, at: 0 }, 0, 1, 0, 1, `${prev}"`)).toBe('');
  });
});
