import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { PERSONAL_DATA_ACCESS } from '../../src/modules/subjects/rules.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * The masking table of src/modules/subjects/README.md, field by field, for every role on every route
 * that shows an individual: FULL roles see the ID number, name and birth date; MASKED roles see 5 of
 * the 18 ID characters and the family name, never the birth date; NONE roles are refused.
 */
let t: TestApp;
const idNumber = '460100199003071237';
let individualId: string;

beforeAll(async () => {
  t = await startTestApp();
  const created = await t.request({
    method: 'POST',
    url: '/api/v1/individuals',
    auth: await t.authFor('inspector'),
    body: { idType: 'RESIDENT_ID', idNumber: idNumber, name: '王海燕' },
  });
  expect(created.statusCode, created.body).toBe(201);
  individualId = created.json().id;
});
afterAll(async () => {
  await t?.close();
});

const roles = Object.keys(PERSONAL_DATA_ACCESS).filter((r) => r !== 'system') as Role[];

describe('masking of individuals, role by role', () => {
  it.each(roles)('%s sees what the table says on GET /individuals/{id} and POST /individuals/lookup', async (role) => {
    const auth = await t.authFor(
      role,
      role === 'enterprise_user' ? { enterpriseId: '00000000-0000-7000-8000-000000000001' } : {},
    );
    const byId = await t.request({ method: 'GET', url: `/api/v1/individuals/${individualId}`, auth });
    const lookup = await t.request({
      method: 'POST',
      url: '/api/v1/individuals/lookup',
      auth,
      body: { idType: 'RESIDENT_ID', idNumber },
    });
    const access = PERSONAL_DATA_ACCESS[role];
    const views = [byId, lookup].filter((res) => res.statusCode !== 403);
    if (access === 'NONE') {
      expect(views).toEqual([]);
      return;
    }
    expect(views.length).toBeGreaterThan(0);
    for (const res of views) {
      expect(res.statusCode, res.body).toBe(200);
      const view = res.json();
      if (access === 'FULL') {
        expect(view).toMatchObject({ idNumber, name: '王海燕', birthDate: '1990-03-07', masked: false });
      } else {
        expect(view).toMatchObject({ idNumber: '460*************37', name: '王**', birthDate: null, masked: true });
        // Nothing of the birth date anywhere in the answer.
        expect(res.body).not.toMatch(/1990|0307/);
      }
    }
  });
});
