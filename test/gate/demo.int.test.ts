import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seedDemo: true });
});
afterAll(async () => {
  await t?.close();
});

describe('the gate demo: a day at Xinhai', () => {
  it('96 trucks over 24 hours on the six lanes, two diverts of each kind, inspection tasks open', async () => {
    const officer = await t.authFor('command_viewer');
    const res = await t.request({ method: 'GET', url: '/api/v1/gate/ports/CNHAK-XINHAI/view', auth: officer });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    const passed = v.hours.reduce((s: number, h: { passed: number }) => s + h.passed, 0);
    const diverted = v.hours.reduce((s: number, h: { diverted: number }) => s + h.diverted, 0);
    expect(passed + diverted).toBe(96);
    expect(diverted).toBe(14);
    expect(v.lanes).toHaveLength(6);
    expect(v.lanes.every((l: { passed: number }) => l.passed > 0)).toBe(true);
    const byCode = Object.fromEntries(v.divertReasons.map((r: { code: string; count: number }) => [r.code, r.count]));
    expect(byCode).toEqual({
      UNKNOWN_PLATE: 2,
      CONTAINER_MISMATCH: 2,
      CONTAINER_CHECK_DIGIT: 2,
      OVERWEIGHT: 2,
      SEAL_BROKEN: 2,
      INSPECTION_HOLD: 2,
      ORDER_EXPIRED: 2,
    });
    // Twelve diverts opened their tasks; the two trucks selected by risk joined the risk tasks (other demo
    // declarations may add risk selections of their own).
    const tasks = (
      await t.request({ method: 'GET', url: '/api/v1/inspection/tasks?portCode=CNHAK-XINHAI', auth: officer })
    ).json().items as { source: string }[];
    expect(tasks.filter((x) => x.source === 'GATE_DIVERT')).toHaveLength(12);
    expect(tasks.filter((x) => x.source === 'RISK_SELECTION').length).toBeGreaterThanOrEqual(2);
    expect(v.openInspections).toBe(tasks.length);
  });
});
