import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedLoop, pgbenchTps, startServerProcess, type LoadResult } from './harness.ts';

/**
 * The public calculators over HTTP (政策计算器): the contract's /calc/tax and the route-aware
 * /calc/scenario with a currency conversion (parameters and the rate read from the database, rules,
 * response validation). Each runs on a server with the demo data (so the demo rates exist), on
 * PGlite and on PostgreSQL beside pgbench in the same run.
 */
const TAX_BODY = {
  lines: [
    { hsCode: '3304990000', customsValue: '10000', dutyRate: '0.05', consumptionTaxRate: '0.15', vatRate: '0.13' },
    {
      hsCode: '8528720000',
      customsValue: '8000',
      dutyRate: '0.1',
      quantity: '50',
      specificDutyPerUnit: '2',
      consumptionTaxRate: '0.1',
      vatRate: '0.13',
    },
    {
      hsCode: '2402200000',
      customsValue: '10000',
      dutyRate: '0.25',
      quantity: '10000',
      specificConsumptionTaxPerUnit: '0.003',
      consumptionTaxRate: '0.56',
      vatRate: '0.13',
    },
  ],
};

const SCENARIO_BODY = {
  route: { kind: 'SECOND_LINE_EXIT', goods: 'PROCESSED', domesticVatPaid: false },
  currency: 'USD',
  lines: [
    { hsCode: '1602500010', value: '70000', importedContentValue: '50000', dutyRate: '0.12', vatRate: '0.09' },
    {
      hsCode: '3304990000',
      value: '12000',
      importedContentValue: '9000',
      dutyRate: '0.05',
      consumptionTaxRate: '0.15',
      vatRate: '0.13',
    },
  ],
  valueAdded: {
    salePrice: '500000',
    importedMaterials: ['356000'],
    domesticMaterials: ['20000'],
    hainanMadeInputs: ['15000'],
  },
};

async function load(url: string, label: string, path: string, body: unknown, total: number): Promise<LoadResult> {
  const payload = JSON.stringify(body);
  return closedLoop(label, total, 16, async () => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    await r.arrayBuffer();
    return r.status === 200;
  });
}

async function healthzLoad(url: string, label: string, total: number): Promise<LoadResult> {
  return closedLoop(label, total, 16, async () => {
    const r = await fetch(`${url}/healthz`);
    await r.arrayBuffer();
    return r.status === 200;
  });
}

const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (${r.requests} requests, ${r.errors} errors)`;

async function onServer(
  env: Record<string, string>,
  db: string,
  total: number,
): Promise<{ tax: LoadResult; scenario: LoadResult; healthz: LoadResult }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidegate-bench-tax-'));
  const server = await startServerProcess('node', ['bin/tidegate.mjs', 'serve'], {
    ...env,
    TIDEGATE_DATA_DIR: dataDir,
  });
  try {
    // Warm-up: first requests compile the schemas and fill the connection pool.
    await load(server.url, `warm-up, ${db}`, '/api/v1/calc/scenario', SCENARIO_BODY, 200);
    // The yardstick: the same server's cheapest answer, through the same hooks, in the same run.
    await healthzLoad(server.url, `warm-up /healthz, ${db}`, 200);
    const healthz = await healthzLoad(server.url, `GET /healthz, ${db}`, total);
    const tax = await load(server.url, `calc/tax, ${db}`, '/api/v1/calc/tax', TAX_BODY, total);
    const scenario = await load(server.url, `calc/scenario, ${db}`, '/api/v1/calc/scenario', SCENARIO_BODY, total);
    return { tax, scenario, healthz };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchTax(opts: {
  quick: boolean;
  databaseUrl: string;
  pgbenchTps?: number | null;
}): Promise<string[]> {
  const total = opts.quick ? 1000 : 5000;
  const env = { TIDEGATE_ADMIN_PASSWORD: 'bench-admin-password', NATS_URL: '' };
  const lines: string[] = [];
  const pglite = await onServer({ ...env, DATABASE_URL: '' }, 'PGlite', total);
  lines.push(`calculator POST /calc/tax (3 lines), PGlite, 16 clients: ${fmt(pglite.tax)}`);
  lines.push(`calculator POST /calc/scenario (2 lines, USD, value added), PGlite, 16 clients: ${fmt(pglite.scenario)}`);
  lines.push(`GET /healthz, PGlite, 16 clients (yardstick): ${fmt(pglite.healthz)}`);
  lines.push(
    `ratio calc/tax ÷ /healthz, PGlite: ${(pglite.tax.perSecond / pglite.healthz.perSecond).toFixed(3)} (goal ≥ 0.5)`,
  );

  const { default: postgres } = await import('postgres');
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  const u = new URL(opts.databaseUrl);
  u.pathname = '/tidegate_bench_tax';
  try {
    await admin.unsafe('drop database if exists tidegate_bench_tax with (force)');
    await admin.unsafe('create database tidegate_bench_tax');
  } catch (err) {
    await admin.end();
    return [
      ...lines,
      `PostgreSQL at ${opts.databaseUrl} not reachable for the calculator bench (${(err as Error).message}).`,
    ];
  }
  try {
    const pg = await onServer({ ...env, DATABASE_URL: u.toString() }, 'PostgreSQL', total);
    const tps = opts.pgbenchTps ?? pgbenchTps(opts.databaseUrl, 16, opts.quick ? 5 : 15);
    lines.push(`calculator POST /calc/tax (3 lines), PostgreSQL, 16 clients: ${fmt(pg.tax)}`);
    lines.push(
      `calculator POST /calc/scenario (2 lines, USD, value added), PostgreSQL, 16 clients: ${fmt(pg.scenario)}`,
    );
    lines.push(`GET /healthz, PostgreSQL, 16 clients (yardstick): ${fmt(pg.healthz)}`);
    lines.push(`ratio calc/tax ÷ /healthz, PostgreSQL: ${(pg.tax.perSecond / pg.healthz.perSecond).toFixed(3)}`);
    if (tps)
      lines.push(
        `ratio calculator requests/s ÷ pgbench tps (${tps.toFixed(0)}): calc/tax ${(pg.tax.perSecond / tps).toFixed(3)}, calc/scenario ${(pg.scenario.perSecond / tps).toFixed(3)}`,
      );
  } finally {
    await admin.unsafe('drop database if exists tidegate_bench_tax with (force)');
    await admin.end();
  }
  return lines;
}
