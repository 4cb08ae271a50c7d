import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { leafHash, merklePath, merkleRoot, rootFromPath } from './merkle.ts';

describe('Merkle tree (RFC 6962)', () => {
  it('matches the RFC 6962 reference roots for 1 to 8 leaves', () => {
    const data = [
      '',
      '\x00',
      '\x10',
      '\x20\x21',
      '\x30\x31',
      '\x40\x41\x42\x43',
      '\x50\x51\x52\x53\x54\x55\x56\x57',
      '\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const leaves = data.map(leafHash);
    roots.forEach((root, i) => expect(merkleRoot(leaves.slice(0, i + 1))).toBe(root));
  });

  const trees = fc
    .array(fc.string(), { minLength: 1, maxLength: 70 })
    .map((texts) => texts.map((t, i) => leafHash(`${i}:${t}`)));

  it('every leaf leads to the root through its path, and only there', () => {
    fc.assert(
      fc.property(trees, fc.nat(), (leaves, pick) => {
        const i = pick % leaves.length;
        const path = merklePath(leaves, i);
        expect(rootFromPath(leaves[i]!, path)).toBe(merkleRoot(leaves));
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(leaves.length)));
        if (leaves.length > 1)
          expect(rootFromPath(leaves[(i + 1) % leaves.length]!, path)).not.toBe(merkleRoot(leaves));
      }),
    );
  });

  it('changing any leaf changes the root', () => {
    fc.assert(
      fc.property(trees, fc.nat(), (leaves, pick) => {
        const changed = [...leaves];
        changed[pick % leaves.length] = leafHash('tampered');
        expect(merkleRoot(changed)).not.toBe(merkleRoot(leaves));
      }),
    );
  });

  it('refuses a path for a leaf outside the tree', () => {
    expect(() => merklePath([leafHash('a')], 1)).toThrow(RangeError);
  });
});
