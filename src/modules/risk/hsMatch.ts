import { createRequire } from 'node:module';

/**
 * Does the goods description fit the declared HS code? (品名与税号不符)
 *
 * Each HS 2022 heading becomes a bag of words: its own text, its subheadings' and its chapter's
 * (WCO descriptions, English). A description is scored against a heading by the share of its
 * information (IDF-weighted words) the heading's text explains. The declared heading's score is
 * compared with the best heading's: a description that some other chapter explains far better is
 * the classic sign of a code chosen for its lower duty. Only Latin-script words are read; a
 * description in Chinese alone gives no score (null), never a false alarm.
 */

interface HsData {
  codes: Record<string, [section: string, description: string]>;
}

const STOPWORDS = new Set(
  'a an the and or of for with without in on at by to from not other others than whether thereof ' +
    'therefor such as be but its their which used kind kinds etc including excluding containing put ' +
    'up into this that those more less exceeding weight whole parts part new nes any all being have ' +
    'has having like similar articles article products product goods made type types based mainly ' +
    'solely principally'.split(' '),
);

/** Trade words mapped to the nomenclature's vocabulary (stemmed forms). */
const SYNONYMS: Record<string, string[]> = {
  beef: ['bovine'],
  veal: ['bovine'],
  pork: ['swine'],
  mutton: ['sheep'],
  lamb: ['sheep'],
  chicken: ['fowl', 'gallus'],
  prawn: ['shrimp'],
  phone: ['telephone'],
  smartphone: ['telephone', 'cellular'],
  cellphone: ['telephone', 'cellular'],
  mobile: ['cellular'],
  laptop: ['automatic', 'data', 'processing', 'machine'],
  computer: ['automatic', 'data', 'processing', 'machine'],
  tv: ['television'],
  lipstick: ['lip', 'make'],
  cosmetic: ['beauty', 'make'],
  makeup: ['make', 'beauty'],
  sneaker: ['footwear'],
  shoe: ['footwear'],
  tire: ['tyre'],
  car: ['motor', 'car'],
  automobile: ['motor', 'car'],
  liquor: ['spirit'],
  cigarette: ['cigarette', 'tobacco'],
  jewelry: ['jewellery'],
  diamond: ['diamond'],
  yacht: ['yacht', 'vessel'],
};

/** Light plural stemming: enough to meet the nomenclature's plurals. */
export function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && (w.endsWith('sses') || w.endsWith('xes') || w.endsWith('ches') || w.endsWith('shes')))
    return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1);
  return w;
}

export function terms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^a-z]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw)) continue;
    const w = stem(raw);
    if (w.length < 2 || STOPWORDS.has(w)) continue;
    const syn = SYNONYMS[w];
    if (syn) out.push(...syn);
    else out.push(w);
  }
  return out;
}

interface Index {
  /** heading -> its words */
  docs: Map<string, Set<string>>;
  /** word -> headings that contain it */
  postings: Map<string, string[]>;
  idf: Map<string, number>;
}

let index: Index | undefined;

function buildIndex(): Index {
  const data = createRequire(import.meta.url)('../../kernel/data/hs2022.json') as HsData;
  const docs = new Map<string, Set<string>>();
  const chapterText = new Map<string, string[]>();
  for (const [code, [, text]] of Object.entries(data.codes)) if (code.length === 2) chapterText.set(code, terms(text));
  for (const [code, [, text]] of Object.entries(data.codes)) {
    if (code.length !== 4 && code.length !== 6) continue;
    const heading = code.slice(0, 4);
    let doc = docs.get(heading);
    if (!doc) {
      doc = new Set(chapterText.get(code.slice(0, 2)) ?? []);
      docs.set(heading, doc);
    }
    for (const t of terms(text)) doc.add(t);
  }
  const postings = new Map<string, string[]>();
  for (const [heading, doc] of [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const t of doc) {
      const list = postings.get(t);
      if (list) list.push(heading);
      else postings.set(t, [heading]);
    }
  }
  const n = docs.size;
  const idf = new Map<string, number>();
  for (const [t, list] of postings) idf.set(t, Math.log(1 + n / list.length));
  return { docs, postings, idf };
}

function hsIndex(): Index {
  index ??= buildIndex();
  return index;
}

export interface HsMatch {
  /** Share of the description's information explained by the declared heading (null: no known word). */
  score: number | null;
  knownTerms: number;
  bestHeading: string | null;
  bestScore: number | null;
}

const cache = new Map<string, HsMatch>();
const CACHE_LIMIT = 50_000;

/** Scores a description against a declared HS code (any of 6, 8 or 10 digits). */
export function matchHsDescription(hsCode: string, description: string): HsMatch {
  const key = `${hsCode.slice(0, 4)}|${description}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = computeMatch(hsCode.slice(0, 4), description);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}

function computeMatch(heading: string, description: string): HsMatch {
  const { docs, postings, idf } = hsIndex();
  const words = [...new Set(terms(description))].filter((t) => idf.has(t));
  if (words.length === 0) return { score: null, knownTerms: 0, bestHeading: null, bestScore: null };
  let total = 0;
  for (const w of words) total += idf.get(w)!;
  const declared = docs.get(heading);
  let own = 0;
  const sums = new Map<string, number>();
  for (const w of words) {
    const weight = idf.get(w)!;
    if (declared?.has(w)) own += weight;
    for (const h of postings.get(w)!) sums.set(h, (sums.get(h) ?? 0) + weight);
  }
  let bestHeading: string | null = null;
  let best = -1;
  for (const [h, s] of sums) {
    if (s > best || (s === best && bestHeading !== null && h < bestHeading)) (best = s), (bestHeading = h);
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { score: round(own / total), knownTerms: words.length, bestHeading, bestScore: round(best / total) };
}
