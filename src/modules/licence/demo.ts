/**
 * Demo data: a small prohibited and restricted goods list (ivory prohibited, radio transmitters and
 * ozone-depleting substances restricted) and two licences of the port-equipment company: one with
 * units left, one already exhausted, so a user sees both answers.
 */
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { parseRestrictedCsv } from './listFile.ts';
import { importRestrictedList, pushLicence, useLicence } from './service.ts';

export const DEMO_RESTRICTED_CSV = [
  'hsPrefix,keywords,measure,licenceType,direction,validFrom,validTo,description,legalBasis',
  '0507,象牙|ivory,PROHIBITED,,BOTH,2025-01-01,,象牙及其制品 ivory and articles of ivory,' +
    '国务院办公厅关于有序停止商业性加工销售象牙及制品活动的通知 (2016)',
  '3006920000,医疗废物|medical waste,PROHIBITED,,IMPORT,2025-01-01,,废药物 waste pharmaceuticals,固体废物污染环境防治法',
  '8525,,RESTRICTED,RADIO_TYPE_APPROVAL,IMPORT,2025-01-01,,无线电发射设备 radio transmitters,无线电管理条例',
  '2903,,RESTRICTED,OZONE_SUBSTANCES,BOTH,2025-01-01,,消耗臭氧层物质 ozone-depleting substances,' +
    '消耗臭氧层物质管理条例',
].join('\n');

export async function seedLicenceDemo(ctx: AppContext, uscc: (key: string) => string): Promise<void> {
  const parsed = parseRestrictedCsv(DEMO_RESTRICTED_CSV);
  if (parsed.errors.length) throw new Error(`demo restricted list: ${JSON.stringify(parsed.errors)}`);
  await importRestrictedList(ctx, systemActor('demo-seed'), parsed.rows, { source: 'demo list' });
  const dept: Parameters<typeof pushLicence>[1] = {
    kind: 'client',
    id: 'demo-commerce',
    name: 'demo-commerce',
    role: 'department',
    enterpriseId: null,
    scope: { department: 'commerce' },
  };
  const radio = {
    licenceType: 'RADIO_TYPE_APPROVAL',
    holderUscc: uscc('equipment'),
    goods: '港口无线电对讲设备 harbour radio transceivers',
    hsPrefixes: ['8525'],
    unit: 'SET',
    validFrom: '2025-12-18',
    validUntil: '2027-12-31',
  };
  await pushLicence(ctx, dept, { ...radio, number: 'RT-2026-HN-0001', quantity: '50' });
  const spent = await pushLicence(ctx, dept, { ...radio, number: 'RT-2026-HN-0002', quantity: '10' });
  await useLicence(ctx, systemActor('demo-seed'), {
    useId: uuidv7(ctx.clock.now().getTime()),
    licenceNumber: spent.number,
    enterpriseId: spent.holderEnterpriseId,
    hsCode: '8525600000',
    quantity: '10',
    reference: 'demo: an earlier shipment used the whole licence',
  });
}
