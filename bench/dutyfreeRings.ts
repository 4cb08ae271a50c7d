/**
 * Resale-ring detection figures (docs/benchmarks.md): a simulated year of Hainan's duty-free sales
 * (≈ 7 M shoppers, ≈ 35 M items) streamed through the ring detector, with its time and peak memory
 * (goal < 15 min and < 4 GiB), and the precision and recall of ring members against the planted
 * rings. Each run is a child process, so its peak resident memory is its own; the generator is timed
 * alone in another child and its time is subtracted, leaving what detection costs.
 *
 * Run alone: `node --import tsx bench/dutyfreeRings.ts [--days 365] [--scale 1] [--seed 2026]`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { DutyfreeSimulation } from '../src/modules/dutyfree/sim/generator.ts';
import { detectOnSimulation, metricsAt, type Metrics } from '../src/modules/dutyfree/sim/evaluate.ts';
import { DEFAULT_RING_PARAMETERS } from '../src/modules/dutyfree/rings/parameters.ts';

interface WorkerOptions {
  days: number;
  scale: number;
  seed: number;
  start: string;
  detect: boolean;
}

interface WorkerResult {
  ms: number;
  /** CPU time of the process (user + system): what the work costs whatever else runs. */
  cpuMs: number;
  maxRssKb: number;
  totals: {
    sales: number;
    items: number;
    shoppers: number;
    amountFen: number;
    peakDayShoppers: number;
    peakDayItems: number;
  };
  stats: Record<string, number> | null;
  metrics: Metrics[];
  yellow: number;
}

const THRESHOLDS = [20, 30, 35, 40, 45, 50, 60];

function runWorker(o: WorkerOptions): WorkerResult {
  const sim = new DutyfreeSimulation({ seed: o.seed, startDate: o.start, days: o.days, scale: o.scale });
  const what = o.detect ? 'detecting' : 'generating';
  const bar = new cliProgress.SingleBar(
    {
      format: `${what} [{bar}] {value}/{total} days | {items} items | {duration_formatted}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(o.days, 0, { items: 0 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { result, totals } = detectOnSimulation(sim, DEFAULT_RING_PARAMETERS, {
    detect: o.detect,
    onDay: (done, t) => bar.update(done, { items: t.items }),
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  bar.stop();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    totals,
    stats: result ? { ...result.stats } : null,
    metrics: result ? THRESHOLDS.map((t) => metricsAt(sim, result, t)) : [],
    yellow: result?.yellow.length ?? 0,
  };
}

function child(o: WorkerOptions): Promise<WorkerResult> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', '--max-old-space-size=4096', self, '--worker', JSON.stringify(o)];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`ring worker exited ${code}`)),
    );
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function benchRingDetection(opts: {
  quick: boolean;
  days?: number;
  scale?: number;
  seed?: number;
}): Promise<string[]> {
  const o = {
    days: opts.days ?? (opts.quick ? 30 : 365),
    scale: opts.scale ?? 1,
    seed: opts.seed ?? 2026,
    start: '2026-01-01',
  };
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  const before = load();
  const generated = await child({ ...o, detect: false });
  const detected = await child({ ...o, detect: true });
  const t = detected.totals;
  const detectMs = Math.max(0, detected.ms - generated.ms);
  const detectCpu = Math.max(0, detected.cpuMs - generated.cpuMs);
  const n = (x: number) => x.toLocaleString('en');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const gib = (kb: number) => `${(kb / 1024 / 1024).toFixed(2)} GiB`;
  const lines = [
    `duty-free ring detection, ${o.days} days at scale ${o.scale} (seed ${o.seed}, ` +
      `load average ${before} → ${load()}):`,
    `  simulated: ${n(t.shoppers)} shopper-days, ${n(t.sales)} sales, ${n(t.items)} items, ` +
      `${(t.amountFen / 100 / 1e9).toFixed(2)} bn CNY; ` +
      `peak day ${n(t.peakDayShoppers)} shoppers, ${n(t.peakDayItems)} items`,
    `  generate + detect ${s(detected.ms)} (CPU ${s(detected.cpuMs)}), generate alone ${s(generated.ms)} ` +
      `(CPU ${s(generated.cpuMs)}): detection ≈ ${s(detectMs)} wall, ${s(detectCpu)} CPU ` +
      `(${n(Math.round(t.sales / (detectCpu / 1000)))} sales per CPU second); peak RSS ${gib(detected.maxRssKb)} ` +
      `(generator alone ${gib(generated.maxRssKb)})`,
    `  graph: ${JSON.stringify(detected.stats)}; yellow list ${n(detected.yellow)} buyers`,
  ];
  lines.push(...metricLines(detected.metrics));
  if (!opts.quick && o.days > 90) {
    // The operating window: detection runs nightly over the last 90 days (dutyfree.rings.lookbackDays).
    const window = await child({ ...o, days: 90, start: '2026-04-01', detect: true });
    lines.push(`  90-day window from 2026-04-01 (the nightly run's lookback), ${n(window.totals.sales)} sales:`);
    lines.push(...metricLines(window.metrics));
  }
  return lines;
}

function metricLines(metrics: Metrics[]): string[] {
  const lines: string[] = [];
  for (const m of metrics) {
    const shapes = Object.entries(m.byShape)
      .map(([shape, v]) => `${shape} ${pct(v.recall)}`)
      .join(', ');
    const counts = `TP ${m.truePositives}, FP ${m.falsePositives}, FN ${m.falseNegatives}`;
    const at = `precision ${pct(m.precision)} recall ${pct(m.recall)}`;
    lines.push(`  threshold ${m.threshold}: ${at} (${counts}) — ${shapes}`);
  }
  return lines;
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') {
  process.stdout.write(JSON.stringify(runWorker(JSON.parse(argv[1]!) as WorkerOptions)));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const lines = await benchRingDetection({
    quick: argv.includes('--quick'),
    days: arg('--days'),
    scale: arg('--scale'),
    seed: arg('--seed'),
  });
  console.log('\n' + lines.join('\n'));
}
