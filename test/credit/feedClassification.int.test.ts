import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startTestApp, type TestApp } from '../support/app.ts';
import { fieldByField } from '../support/fieldByField.ts';
import { demoUscc } from '../../src/seed/demo.ts';
import { deliverWebhooks } from '../../src/modules/sharing/service.ts';
import { CREDIT_CHANGE_FIELD_RULES } from '../../src/modules/credit/classification.ts';

/**
 * The class-change feed desensitised by data class (数据分类分级), field by field: a department reads
 * classes and reasons in clear, and not the number of the penalty decision behind a reason; an officer
 * reads everything; the department's webhook carries what its feed shows.
 */
let t: TestApp;
let server: Server;
const received: unknown[] = [];
const allowBefore = process.env.TIDEGATE_WEBHOOK_ALLOW;
process.env.TIDEGATE_WEBHOOK_ALLOW = '127.0.0.1/32';

beforeAll(async () => {
  t = await startTestApp({ at: new Date('2026-03-01T04:00:00Z') });
  const admin = await t.authFor('admin', { name: 'admin' });
  for (const [org, kind, reference] of [
    ['MA5TFC001', 'SMUGGLING_PENALTY', '琼关缉违字〔2026〕7号'],
    ['MA5TFC002', 'SERIOUS_DISHONESTY_LISTING', '列入名单 2026-02'],
  ] as const) {
    const uscc = demoUscc(`91460100${org}`);
    const reg = { uscc, name: `Feed ${org}`, registeredInHainan: true };
    expect((await t.request({ method: 'POST', url: '/api/v1/enterprises', auth: admin, body: reg })).statusCode).toBe(
      201,
    );
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/credit/inputs',
      auth: admin,
      body: {
        subjectKind: 'ENTERPRISE',
        subject: uscc,
        source: 'customs',
        effectiveDate: '2026-02-01',
        reference,
        input: { type: 'EVENT', kind },
      },
    });
    expect(res.json().classChanged, res.body).toBe(true);
  }
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body).change);
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  if (allowBefore === undefined) delete process.env.TIDEGATE_WEBHOOK_ALLOW;
  else process.env.TIDEGATE_WEBHOOK_ALLOW = allowBefore;
  server?.closeAllConnections();
  server?.close();
  await t?.close();
});

describe('credit class changes, desensitised by data class for departments', () => {
  it('field by field: general in clear, the decision numbers left out; the officer reads them', async () => {
    const officer = (
      await t.request({ method: 'GET', url: '/api/v1/credit/changes', auth: await t.authFor('auditor') })
    ).json();
    const dept = await t.authFor('department', { name: 'tax-feed', scope: { department: 'tax' } });
    const sent = (await t.request({ method: 'GET', url: '/api/v1/credit/changes', auth: dept })).json();
    expect(officer.items).toHaveLength(2);
    const references = officer.items.flatMap((c: { reasons: { inputs?: { reference?: string }[] }[] }) =>
      c.reasons.flatMap((r) => (r.inputs ?? []).map((i) => i.reference)),
    );
    expect(references).toEqual(['琼关缉违字〔2026〕7号', '列入名单 2026-02']);
    const { problems, seen } = fieldByField(officer.items, sent.items, CREDIT_CHANGE_FIELD_RULES, 'department');
    expect(problems).toEqual([]);
    expect(seen.CLEAR).toBeGreaterThan(20);
    expect(seen['DESENSITISED:omit']).toBe(2);
    expect(JSON.stringify(sent)).not.toContain('琼关缉违字');
    expect(sent.next).toBe(officer.next);
  });

  it('the webhook of feed credit.classChanges carries what the department feed shows', async () => {
    const dept = await t.authFor('department', { name: 'market-feed', scope: { department: 'market_regulation' } });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/credit`;
    const reg = await t.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      auth: dept,
      body: { url, fromStart: true },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    await deliverWebhooks(t.ctx);
    const feed = (await t.request({ method: 'GET', url: '/api/v1/credit/changes', auth: dept })).json();
    expect(received).toEqual(feed.items);
    expect(JSON.stringify(received)).not.toContain('列入名单');
  });
});
