import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { KCS_FEATURE_SPEC, KcsProfiles, parseKcs } from './kcs.ts';
import { BENCHMARK_METRICS, runKcsBenchmark } from './run.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
// The spring and December rows of the KCS synthetic train file (MIT, Institute for Basic Science &
// Korea Customs Service; test/fixtures/kcs/LICENSE), committed so the test runs wherever the
// repository is cloned. The full files stay outside the repository (shared/data, KCS_DATA_DIR).
const SAMPLE_FILE = join(ROOT, 'test/fixtures/kcs/train-sample.csv.gz');

const text = gunzipSync(readFileSync(SAMPLE_FILE)).toString('utf8');
const lines = text.trimEnd().split('\n');
const header = lines[0]!;
// A small sample of the train file, split in time as the real splits are: spring for training,
// December for validation and test.
const spring = lines.filter((l) => /^\d+,2020-0[3-6]-/.test(l));
const december = lines.filter((l) => /^\d+,2020-12-/.test(l));
const sample = (rows: string[]) => [header, ...rows].join('\n') + '\n';

describe('KCS benchmark pipeline', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kcs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('parses the KCS columns into declarations with derived trader, route and goods features', () => {
    const decls = parseKcs(sample(spring.slice(0, 50)));
    expect(decls).toHaveLength(50);
    expect(decls[0]!.hs6).toMatch(/^\d{6}$/);
    const features = KcsProfiles.fit(decls).features(decls[0]!);
    for (const f of KCS_FEATURE_SPEC) expect(features).toHaveProperty(f.name);
    expect(features['route']).toBe(`${decls[0]!.departureCountry}>${decls[0]!.originCountry}`);
    expect(features['importerDistinctHs']).toBeGreaterThanOrEqual(1);
    expect(() => parseKcs('Declaration ID,Date\n1,2020-01-01\n', 'bad.csv')).toThrow(
      /bad.csv: missing column\(s\) Office ID/,
    );

    // A file without the columns the model does not use, with an empty mass, still parses.
    const columns = header.split(',');
    const keep = columns
      .map((c, i) => (c === 'Critical Fraud' || c === 'Declaration ID' ? -1 : i))
      .filter((i) => i >= 0);
    const cells = spring[0]!.split(',');
    cells[columns.indexOf('Net Mass')] = '';
    const lean = parseKcs([keep.map((i) => columns[i]).join(','), keep.map((i) => cells[i]).join(',')].join('\n'));
    expect(lean[0]!.netMass).toBeNull();
    expect(lean[0]!.criticalFraud).toBeNull();
    expect(KcsProfiles.fit(lean).features(lean[0]!)['logNetMass']).toBeNull();
    cells[columns.indexOf('Net Mass')] = 'heavy';
    expect(() => parseKcs([header, cells.join(',')].join('\n'), 'x.csv')).toThrow(
      /x.csv line 2: Net Mass is not a number/,
    );
  });

  it('learns from a small sample of the train file: validation AUC clearly above chance', () => {
    const train = parseKcs(sample(spring));
    const valid = parseKcs(sample(december.filter((_, i) => i % 2 === 0)));
    const { result, report } = runKcsBenchmark(train, valid, undefined, { seed: 3, train: { rounds: 150 } });
    expect(train.length).toBeGreaterThan(3000);
    expect(Object.keys(result.valid)).toEqual([...BENCHMARK_METRICS]);
    expect(result.valid.auc).toBeGreaterThan(0.7);
    // Inspecting the top 5% finds frauds far more often than the base rate (about 22%).
    expect(result.valid['precision@5%']).toBeGreaterThan(0.5);
    expect(report.rounds).toBeGreaterThan(1);
  }, 120_000);

  it('runs as `tidegate risk benchmark` and prints exactly one JSON object on stdout', async () => {
    const files = { train: join(tmp, 'train.csv'), valid: join(tmp, 'valid.csv'), test: join(tmp, 'test.csv') };
    writeFileSync(files.train, sample(spring.filter((_, i) => i % 3 === 0)));
    writeFileSync(files.valid, sample(december.filter((_, i) => i % 2 === 0)));
    writeFileSync(files.test, sample(december.filter((_, i) => i % 2 === 1)));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        join(ROOT, 'bin/tidegate.mjs'),
        'risk',
        'benchmark',
        '--train',
        files.train,
        '--valid',
        files.valid,
        '--test',
        files.test,
      ],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 120_000 },
    );
    const out = stdout.trim();
    expect(out.split('\n')).toHaveLength(1);
    const json = JSON.parse(out) as Record<string, Record<string, number>>;
    expect(Object.keys(json)).toEqual(['valid', 'test']);
    for (const split of ['valid', 'test']) {
      expect(Object.keys(json[split]!)).toEqual([...BENCHMARK_METRICS]);
      for (const v of Object.values(json[split]!)) expect(v).toBeTypeOf('number');
      expect(json[split]!['auc']).toBeGreaterThan(0.6);
    }
    expect(stderr).toMatch(/KCS benchmark: \d+ train/);
  }, 180_000);
});
