/** A small seeded generator (mulberry32): training must give the same model for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k distinct indices of 0..n-1, in increasing order (partial Fisher–Yates). */
export function sampleIndices(n: number, k: number, random: () => number, scratch?: Uint32Array): Uint32Array {
  const pool = scratch && scratch.length >= n ? scratch : new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m).sort();
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
