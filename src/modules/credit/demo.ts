import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { shanghaiDate } from '../../kernel/clock.ts';
import { recordInput, withdrawInput, type RecordInputRequest } from './service.ts';
import { addDays, addYears } from './dates.ts';

export interface CreditDemoSubjects {
  /** USCC of a demo enterprise by its key in the seed. */
  uscc(key: 'jerky' | 'equipment' | 'logistics' | 'cosmetics' | 'mainland' | 'branch'): string;
  /** Tidegate id of the demo traveller with a penalty. */
  penalisedTraveller: string;
}

/**
 * Credit histories so that every class shows, dated relative to the seeding day, from several
 * departments. The logistics company's smuggling penalty turns three years old a week after
 * seeding, so the demo shows an automatic removal from the focus list (the daily sweep publishes it).
 */
export async function seedCreditDemo(ctx: AppContext, subjects: CreditDemoSubjects): Promise<void> {
  const actor = systemActor('demo-seed');
  const today = shanghaiDate(ctx.clock.now());
  const record = (req: RecordInputRequest) => recordInput(ctx, actor, req);
  const enterprise = (
    key: Parameters<CreditDemoSubjects['uscc']>[0],
    source: string,
    daysAgo: number,
    input: RecordInputRequest['input'],
    reference?: string,
  ) =>
    record({
      subjectKind: 'ENTERPRISE',
      subject: subjects.uscc(key),
      source,
      effectiveDate: addDays(today, -daysAgo),
      input,
      ...(reference ? { reference } : {}),
    });

  // 洋浦海港装备 Yangpu Harbour Equipment: AEO certified by Haikou customs, renewed; a good tax rating.
  await enterprise(
    'equipment',
    'customs',
    1500,
    { type: 'AEO', action: 'GRANTED' },
    '海关AEO认证 琼关认〔2022〕0117号',
  );
  await enterprise(
    'equipment',
    'customs',
    400,
    { type: 'AEO', action: 'GRANTED' },
    '高级认证复核 琼关认〔2025〕0031号',
  );
  await enterprise(
    'equipment',
    'tax',
    200,
    { type: 'SECTOR_RATING', department: 'tax', level: 'A', isLowestLevel: false },
    '纳税信用A级',
  );

  // 海口新海物流 Haikou Xinhai Logistics: smuggling penalty almost three years ago; it leaves FOCUS by itself in a week.
  const penalty = addDays(addYears(today, -3), 7);
  await record({
    subjectKind: 'ENTERPRISE',
    subject: subjects.uscc('logistics'),
    source: 'anti_smuggling',
    effectiveDate: penalty,
    input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
    reference: '琼缉违字〔2023〕118号',
  });
  await enterprise(
    'logistics',
    'transport',
    300,
    { type: 'SECTOR_RATING', department: 'transport', level: 'AA', isLowestLevel: false },
    '道路运输企业信用AA级',
  );

  // 三亚海棠湾商贸 Sanya Haitang Bay Trading: lowest tax rating (D) two months ago: FOCUS until the bureau raises it.
  // It was on FOCUS once before for a market-regulation rating that the bureau raised a year later.
  await enterprise(
    'cosmetics',
    'market_regulation',
    1000,
    { type: 'SECTOR_RATING', department: 'market_regulation', level: '严重失信', isLowestLevel: true },
    '市场监管信用 严重失信',
  );
  await enterprise(
    'cosmetics',
    'market_regulation',
    635,
    { type: 'SECTOR_RATING', department: 'market_regulation', level: '良好', isLowestLevel: false },
    '信用修复',
  );
  await enterprise(
    'cosmetics',
    'tax',
    60,
    { type: 'SECTOR_RATING', department: 'tax', level: 'D', isLowestLevel: true },
    '纳税信用D级',
  );

  // 深圳湾区贸易 Shenzhen Bay Trading: AEO granted, then revoked: back on the white list.
  await enterprise('mainland', 'customs', 900, { type: 'AEO', action: 'GRANTED' }, '海关AEO认证 深关认〔2023〕0208号');
  await enterprise('mainland', 'customs', 100, { type: 'AEO', action: 'REVOKED' }, '取消高级认证');

  // 海南椰风食品 Hainan Coconut Breeze Foods: a listing entered in error and withdrawn; white list.
  await enterprise('jerky', 'market_regulation', 30, {
    type: 'SECTOR_RATING',
    department: 'market_regulation',
    level: 'A',
    isLowestLevel: false,
  });
  const wrong = await enterprise(
    'jerky',
    'maritime',
    20,
    { type: 'EVENT', kind: 'OTHER_LEGAL_LISTING' },
    '海事 列入名单（误录）',
  );
  await withdrawInput(ctx, actor, wrong.inputId, {
    date: addDays(today, -10),
    reason: '名单认定有误，已撤销 listed in error',
  });

  // A traveller penalised for carrying goods for resale (套代购): FOCUS for three years.
  await record({
    subjectKind: 'INDIVIDUAL',
    subject: subjects.penalisedTraveller,
    source: 'customs',
    effectiveDate: addDays(today, -120),
    input: { type: 'EVENT', kind: 'SMUGGLING_PENALTY' },
    reference: '海关行政处罚 个人',
  });
}
