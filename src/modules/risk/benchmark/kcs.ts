/**
 * KCS adapter: maps the columns of the Korea Customs Service synthetic import declarations (Jeong et
 * al. 2022, ../shared/data/kcs-synthetic) to named features for the learner, the way the platform's
 * feature library maps its own declarations. Derived features describe the trader, the route and the
 * goods from the history the model is trained on (declarations only, never their outcomes: outcomes
 * reach the model through the learner's leak-free target statistics).
 *
 * Item Price ÷ Net Mass is constant within an HS code in this set, so there is no under-valuation
 * signal to find here; price features exist to carry the declared size of a consignment.
 */
import type { FeatureSpec, FeatureValue, TrainingRow } from '../model/index.ts';
import { readCsv } from '../../../kernel/csv.ts';

export const KCS_COLUMNS = [
  'Declaration ID',
  'Date',
  'Office ID',
  'Process Type',
  'Import Type',
  'Import Use',
  'Payment Type',
  'Mode of Transport',
  'Declarant ID',
  'Importer ID',
  'Seller ID',
  'Courier ID',
  'HS6 Code',
  'Country of Departure',
  'Country of Origin',
  'Tax Rate',
  'Tax Type',
  'Country of Origin Indicator',
  'Net Mass',
  'Item Price',
  'Fraud',
  'Critical Fraud',
] as const;

export interface KcsDeclaration {
  id: string;
  /** YYYY-MM-DD */
  date: string;
  office: string;
  processType: string;
  importType: string;
  importUse: string;
  paymentType: string;
  transportMode: string;
  declarant: string;
  importer: string;
  seller: string;
  courier: string;
  hs6: string;
  departureCountry: string;
  originCountry: string;
  taxRate: number | null;
  taxType: string;
  originIndicator: string;
  netMass: number | null;
  itemPrice: number | null;
  fraud: 0 | 1;
  criticalFraud: number | null;
}

export class KcsFormatError extends Error {}

/** Not used by the model, so a file without them is still a KCS file. */
const OPTIONAL_COLUMNS = new Set<string>(['Declaration ID', 'Critical Fraud']);

/** Text fields of KcsDeclaration and the column each one is read from. */
const TEXT_COLUMNS = {
  id: 'Declaration ID',
  date: 'Date',
  office: 'Office ID',
  processType: 'Process Type',
  importType: 'Import Type',
  importUse: 'Import Use',
  paymentType: 'Payment Type',
  transportMode: 'Mode of Transport',
  declarant: 'Declarant ID',
  importer: 'Importer ID',
  seller: 'Seller ID',
  courier: 'Courier ID',
  hs6: 'HS6 Code',
  departureCountry: 'Country of Departure',
  originCountry: 'Country of Origin',
  taxType: 'Tax Type',
  originIndicator: 'Country of Origin Indicator',
} as const satisfies Partial<Record<keyof KcsDeclaration, (typeof KCS_COLUMNS)[number]>>;

export function parseKcs(text: string, source = 'KCS file'): KcsDeclaration[] {
  const { header, records } = readCsv(text);
  const missing = KCS_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !header.includes(c));
  if (missing.length) throw new KcsFormatError(`${source}: missing column(s) ${missing.join(', ')}`);
  return records.map(({ line, cells: r }) => {
    // An empty cell is a missing value; anything else must be a number.
    const number = (column: string) => {
      const cell = r[column] ?? '';
      const v = Number(cell);
      if (cell === '') return null;
      if (!Number.isFinite(v))
        throw new KcsFormatError(`${source} line ${line}: ${column} is not a number (${JSON.stringify(r[column])})`);
      return v;
    };
    const fraud = number('Fraud');
    if (fraud !== 0 && fraud !== 1) throw new KcsFormatError(`${source} line ${line}: Fraud must be 0 or 1`);
    const date = /^\d{4}-\d{2}-\d{2}/.exec(r['Date'] ?? '')?.[0];
    if (!date) throw new KcsFormatError(`${source} line ${line}: Date must start YYYY-MM-DD`);
    const text = Object.fromEntries(
      Object.entries(TEXT_COLUMNS).map(([field, column]) => [field, r[column] ?? '']),
    ) as Record<keyof typeof TEXT_COLUMNS, string>;
    return {
      ...text,
      date,
      hs6: text.hs6.padStart(6, '0'),
      taxRate: number('Tax Rate'),
      netMass: number('Net Mass'),
      itemPrice: number('Item Price'),
      fraud,
      criticalFraud: number('Critical Fraud'),
    };
  });
}

const CATEGORICAL = [
  'office',
  'processType',
  'importType',
  'importUse',
  'paymentType',
  'transportMode',
  'declarant',
  'importer',
  'seller',
  'courier',
  'hs6',
  'hs4',
  'hs2',
  'departureCountry',
  'originCountry',
  'taxType',
  'originIndicator',
  // Pairs: a trader with a kind of goods, a broker with a client, a route, goods on a route.
  'importer×hs6',
  'declarant×importer',
  'importer×seller',
  'importer×originCountry',
  'route',
  'hs6×originCountry',
  'declarant×hs6',
  'office×importer',
  'hs6×departureCountry',
  'hs6×taxType',
  'hs6×route',
] as const;

const NUMERIC = [
  'taxRate',
  'logNetMass',
  'logItemPrice',
  // Profiles over the history: how broad a trader's business is, how usual this consignment is.
  'importerDistinctHs',
  'importerDistinctSellers',
  'importerDistinctDeclarants',
  'declarantDistinctImporters',
  'sellerDistinctImporters',
  'massVsHsMedian',
  'priceVsImporterMedian',
  'weekday',
] as const;

export const KCS_FEATURE_SPEC: FeatureSpec[] = [
  ...CATEGORICAL.map((name) => ({ name, kind: 'categorical' as const })),
  ...NUMERIC.map((name) => ({ name, kind: 'numeric' as const })),
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Trader and goods profiles over a history of declarations (no outcomes used). */
export class KcsProfiles {
  private constructor(
    private readonly distinct: Map<string, Map<string, number>>,
    private readonly hsMedianLogMass: Map<string, number>,
    private readonly importerMedianLogPrice: Map<string, number>,
  ) {}

  static fit(history: KcsDeclaration[]): KcsProfiles {
    const sets = new Map<string, Map<string, Set<string>>>();
    const add = (profile: string, key: string, value: string) => {
      let byKey = sets.get(profile);
      if (!byKey) sets.set(profile, (byKey = new Map()));
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = new Set()));
      s.add(value);
    };
    const massByHs = new Map<string, number[]>();
    const priceByImporter = new Map<string, number[]>();
    for (const d of history) {
      add('importerDistinctHs', d.importer, d.hs6);
      if (d.seller)
        add('importerDistinctSellers', d.importer, d.seller), add('sellerDistinctImporters', d.seller, d.importer);
      add('importerDistinctDeclarants', d.importer, d.declarant);
      add('declarantDistinctImporters', d.declarant, d.importer);
      if (d.netMass !== null) (massByHs.get(d.hs6) ?? massByHs.set(d.hs6, []).get(d.hs6)!).push(Math.log1p(d.netMass));
      if (d.itemPrice !== null)
        (priceByImporter.get(d.importer) ?? priceByImporter.set(d.importer, []).get(d.importer)!).push(
          Math.log1p(d.itemPrice),
        );
    }
    const distinct = new Map(
      [...sets].map(([profile, byKey]) => [profile, new Map([...byKey].map(([k, s]) => [k, s.size]))]),
    );
    const medians = (m: Map<string, number[]>) => new Map([...m].map(([k, v]) => [k, median(v)]));
    return new KcsProfiles(distinct, medians(massByHs), medians(priceByImporter));
  }

  features(d: KcsDeclaration): Record<string, FeatureValue> {
    const count = (profile: string, key: string) => (key ? (this.distinct.get(profile)?.get(key) ?? 0) : null);
    const logMass = d.netMass === null ? null : Math.log1p(d.netMass);
    const logPrice = d.itemPrice === null ? null : Math.log1p(d.itemPrice);
    const hsMass = this.hsMedianLogMass.get(d.hs6);
    const importerPrice = this.importerMedianLogPrice.get(d.importer);
    const seller = d.seller || null;
    return {
      office: d.office,
      processType: d.processType,
      importType: d.importType,
      importUse: d.importUse,
      paymentType: d.paymentType,
      transportMode: d.transportMode,
      declarant: d.declarant,
      importer: d.importer,
      seller,
      courier: d.courier || null,
      hs6: d.hs6,
      hs4: d.hs6.slice(0, 4),
      hs2: d.hs6.slice(0, 2),
      departureCountry: d.departureCountry,
      originCountry: d.originCountry,
      taxType: d.taxType,
      originIndicator: d.originIndicator,
      'importer×hs6': `${d.importer}|${d.hs6}`,
      'declarant×importer': `${d.declarant}|${d.importer}`,
      'importer×seller': seller ? `${d.importer}|${seller}` : null,
      'importer×originCountry': `${d.importer}|${d.originCountry}`,
      route: `${d.departureCountry}>${d.originCountry}`,
      'hs6×originCountry': `${d.hs6}|${d.originCountry}`,
      'declarant×hs6': `${d.declarant}|${d.hs6}`,
      'office×importer': `${d.office}|${d.importer}`,
      'hs6×departureCountry': `${d.hs6}|${d.departureCountry}`,
      'hs6×taxType': `${d.hs6}|${d.taxType}`,
      'hs6×route': `${d.hs6}|${d.departureCountry}>${d.originCountry}`,
      taxRate: d.taxRate,
      logNetMass: logMass,
      logItemPrice: logPrice,
      importerDistinctHs: count('importerDistinctHs', d.importer),
      importerDistinctSellers: count('importerDistinctSellers', d.importer),
      importerDistinctDeclarants: count('importerDistinctDeclarants', d.importer),
      declarantDistinctImporters: count('declarantDistinctImporters', d.declarant),
      sellerDistinctImporters: count('sellerDistinctImporters', d.seller),
      massVsHsMedian: hsMass === undefined || logMass === null ? null : logMass - hsMass,
      priceVsImporterMedian: importerPrice === undefined || logPrice === null ? null : logPrice - importerPrice,
      weekday: new Date(`${d.date}T00:00:00Z`).getUTCDay(),
    };
  }
}

/** Training rows in time order (the order `ordered` target statistics rely on). */
export function kcsRows(declarations: KcsDeclaration[], profiles: KcsProfiles): TrainingRow[] {
  return [...declarations]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((d) => ({ features: profiles.features(d), label: d.fraud }));
}
