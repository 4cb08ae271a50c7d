/**
 * Demo data: certificates of origin for Australian beef under ChAFTA — one valid, naming the
 * food processor as importer, one expired — pushed as the department's client would.
 */
import type { AppContext } from '../../platform/context.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { recordCertificate } from './service.ts';

export async function seedOriginDemo(ctx: AppContext, uscc: (key: string) => string): Promise<void> {
  const dept: Actor = {
    kind: 'client',
    id: 'demo-origin',
    name: 'demo-origin',
    role: 'department',
    enterpriseId: null,
    scope: { department: 'customs-origin' },
  };
  const beef = {
    agreement: 'CHAFTA',
    originCountry: 'AU',
    exporter: 'Queensland Prime Meats Pty Ltd',
    importerUscc: uscc('jerky'),
    goods: [{ hsCode: '020230', description: '冻去骨牛肉 frozen boneless beef' }],
  };
  await recordCertificate(ctx, dept, {
    ...beef,
    number: 'CO-AU-2026-0001',
    issuedOn: '2026-01-05',
    validUntil: '2027-01-04',
  });
  await recordCertificate(ctx, dept, {
    ...beef,
    number: 'CO-AU-2025-0099',
    issuedOn: '2025-01-10',
    validUntil: '2026-01-09',
  });
}
