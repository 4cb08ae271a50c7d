import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDbKind } from '../support/db.ts';

// The real `tidegate tax rates` commands on their own embedded database (PGlite run only).
describe.skipIf(testDbKind() !== 'pglite')('tidegate tax rates import / list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-rates-cli-'));
  const env = {
    ...process.env,
    TIDEGATE_DATA_DIR: join(dir, 'data'),
    TIDEGATE_ADMIN_PASSWORD: 'rates-cli-admin-1',
    DATABASE_URL: '',
    NATS_URL: '',
    LOG_LEVEL: 'warn',
  };
  // Each a process start: minutes on a loaded machine (load 30 on two cores).
  const tidegate = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/tidegate.mjs', ...args], { env, encoding: 'utf8', timeout: 300_000 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a CSV, reports row errors by line without loading anything, and lists what is in force', () => {
    const good = join(dir, 'rates.csv');
    writeFileSync(
      good,
      '\uFEFFcurrency,rateDate,rate,unit,quote,source\r\nUSD,2026-10-21,7.1062,1,CNY_PER_UNIT,"PBoC, central parity"\r\nJPY,2026-10-21,4.6512,100,,\r\n',
    );
    const loaded = tidegate('tax', 'rates', 'import', good);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('2 rows read: 2 new versions, 0 unchanged');

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'currency,rateDate,rate\nEUR,2026-10-21,8.25\nEUR,2026-10-21,x\n');
    const refused = tidegate('tax', 'rates', 'import', bad);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('line 3: rate:');
    expect(refused.stderr).toContain('nothing was loaded');

    const list = tidegate('tax', 'rates', 'list', '--from', '2026-10-01');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual([
      'currency,rateDate,rate,unit,quote,source,version',
      'JPY,2026-10-21,4.6512,100,CNY_PER_UNIT,"CSV import",2',
      'USD,2026-10-21,7.1062,1,CNY_PER_UNIT,"PBoC, central parity",1',
    ]);
  });
});
