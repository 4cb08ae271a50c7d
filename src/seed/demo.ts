import type { AppContext } from '../platform/context.ts';
import { runCommand } from '../platform/command.ts';
import { createUser } from '../platform/auth/service.ts';
import { hashPassword } from '../platform/auth/credentials.ts';
import { systemActor, type UserRole } from '../platform/auth/roles.ts';
import { usccCheckChar } from '../kernel/uscc.ts';
import { residentIdCheckDigit } from '../kernel/residentId.ts';
import { createEnterprise, createIndividual, grantQualification } from '../modules/subjects/service.ts';
import type { DemoWorld } from '../platform/module.ts';
import { MODULES } from '../modules/index.ts';
import type { Timings } from '../platform/timings.ts';
import type { Db } from '../platform/db/client.ts';
import { bindTransactionCache } from '../platform/reference/cache.ts';

/** Builds a valid code from its first 17 characters (GB 32100-2015 check character). */
export function demoUscc(first17: string): string {
  return first17 + usccCheckChar(first17);
}

export const DEMO_ENTERPRISES = [
  {
    key: 'jerky',
    uscc: demoUscc('91460100MA5TJERKY'),
    name: '海南椰风食品加工有限公司 Hainan Coconut Breeze Foods Co., Ltd.',
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: '食品制造 food manufacturing',
    encouragedIndustry: true,
  },
  {
    key: 'equipment',
    uscc: demoUscc('91469003MA5TEQP01'),
    name: '洋浦海港装备有限公司 Yangpu Harbour Equipment Co., Ltd.',
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: '港口装备 port equipment',
    encouragedIndustry: true,
  },
  {
    key: 'logistics',
    uscc: demoUscc('91460100MA5TLG002'),
    name: '海口新海物流有限公司 Haikou Xinhai Logistics Co., Ltd.',
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: '物流 logistics',
    encouragedIndustry: false,
  },
  {
    key: 'cosmetics',
    uscc: demoUscc('91460200MA5TCM003'),
    name: '三亚海棠湾商贸有限公司 Sanya Haitang Bay Trading Co., Ltd.',
    registeredInHainan: true,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: '批发零售 wholesale and retail',
    encouragedIndustry: false,
  },
  {
    key: 'branch',
    uscc: demoUscc('91460100MA5TBR004'),
    name: '某电子科技有限公司海口分公司 Haikou Branch of an Electronics Co.',
    registeredInHainan: true,
    legalForm: 'BRANCH',
    industry: '电子 electronics',
    encouragedIndustry: false,
  },
  {
    key: 'mainland',
    uscc: demoUscc('91440300MA5TGD005'),
    name: '深圳湾区贸易有限公司 Shenzhen Bay Trading Co., Ltd.',
    registeredInHainan: false,
    legalForm: 'INDEPENDENT_LEGAL_PERSON',
    industry: '贸易 trade',
    encouragedIndustry: false,
  },
] as const;

/** Demo logins, printed at first start. Change or disable them before real use. */
export const DEMO_USERS: {
  username: string;
  password: string;
  role: UserRole;
  displayName: string;
  enterprise?: string;
}[] = [
  { username: 'officer', password: 'officer-pass-2026', role: 'inspector', displayName: '查验关员 Inspection officer' },
  { username: 'analyst', password: 'analyst-pass-2026', role: 'risk_analyst', displayName: '风险分析员 Risk analyst' },
  {
    username: 'analyst2',
    password: 'analyst2-pass-2026',
    role: 'risk_analyst',
    displayName: '风险分析复核员 Second risk analyst',
  },
  { username: 'auditor', password: 'auditor-pass-2026', role: 'auditor', displayName: '稽核查关员 Account auditor' },
  {
    username: 'command',
    password: 'command-pass-2026',
    role: 'command_viewer',
    displayName: '指挥中心 Command centre',
  },
  {
    username: 'demo-ent',
    password: 'demo-ent-pass-2026',
    role: 'enterprise_user',
    displayName: '企业申报员 Enterprise declarant',
    enterprise: 'jerky',
  },
  {
    username: 'demo-batch',
    password: 'demo-batch-pass-2026',
    role: 'enterprise_user',
    displayName: '白名单企业申报员 White-list enterprise declarant',
    enterprise: 'equipment',
  },
];

/**
 * The base demo (enterprises, qualifications, users, individuals), then each module's demo in the
 * order of the module list (src/modules/index.ts), all in one transaction: every command of the seed
 * runs in a savepoint of it (runCommand's transaction nests), so the demo costs one commit instead of
 * one per command, and a seed that fails leaves no half demo behind. Reads through the seed's handle
 * go to the transaction, never to the reference cache (which serves only the database handle itself).
 */
export async function seedDemo(ctx: AppContext, timings?: Timings): Promise<void> {
  await ctx.db.transaction((tx) => {
    // The seed's commands read the policy parameters the seed's transaction holds (one read for the
    // whole seed, not one per command: platform/parameters/service.ts).
    bindTransactionCache(tx, ctx.db);
    return seedDemoIn({ ...ctx, db: tx as unknown as Db }, timings);
  });
}

async function seedDemoIn(ctx: AppContext, timings?: Timings): Promise<void> {
  const actor = systemActor('demo-seed');
  // The demo users' argon2 hashes are started first: they run on the thread pool (another core) while
  // the enterprises below are written, where one after the other they kept this thread waiting.
  const passwordHashes = DEMO_USERS.map((u) => hashPassword(u.password));
  // A hash that fails is reported by the user's command; none is left unhandled meanwhile.
  for (const h of passwordHashes) h.catch(() => {});
  const ids = new Map<string, string>();
  for (const e of DEMO_ENTERPRISES) {
    const view = await createEnterprise(ctx, actor, {
      uscc: e.uscc,
      name: e.name,
      registeredInHainan: e.registeredInHainan,
      legalForm: e.legalForm,
      industry: e.industry,
      encouragedIndustry: e.encouragedIndustry,
    });
    ids.set(e.key, view.id);
  }
  const uscc = (key: string) => DEMO_ENTERPRISES.find((e) => e.key === key)!.uscc;
  await grantQualification(ctx, actor, uscc('jerky'), {
    kind: 'PROCESSING_VALUE_ADDED',
    goodsCategory: '',
    validFrom: '2025-12-18',
    validTo: null,
  });
  await grantQualification(ctx, actor, uscc('jerky'), {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'RAW_AND_AUXILIARY_MATERIALS',
    validFrom: '2025-12-18',
    validTo: null,
  });
  // The food processor also runs its ovens zero-tariff; the logistics company keeps goods of every kind it carries.
  for (const [key, goodsCategory] of [
    ['jerky', 'PRODUCTION_EQUIPMENT'],
    ['logistics', 'RAW_AND_AUXILIARY_MATERIALS'],
    ['logistics', 'PRODUCTION_EQUIPMENT'],
  ] as const) {
    await grantQualification(ctx, actor, uscc(key), {
      kind: 'ZERO_TARIFF_BENEFICIARY',
      goodsCategory,
      validFrom: '2025-12-18',
      validTo: null,
    });
  }
  await grantQualification(ctx, actor, uscc('equipment'), {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'PRODUCTION_EQUIPMENT',
    validFrom: '2025-12-18',
    validTo: null,
  });
  await grantQualification(ctx, actor, uscc('logistics'), {
    kind: 'ZERO_TARIFF_BENEFICIARY',
    goodsCategory: 'TRANSPORT_VEHICLES_AND_YACHTS',
    validFrom: '2025-12-18',
    validTo: null,
  });
  await grantQualification(ctx, actor, uscc('cosmetics'), {
    kind: 'RELAXED_TRADE_END_USER',
    goodsCategory: '',
    validFrom: '2025-12-18',
    validTo: null,
  });
  for (const [i, u] of DEMO_USERS.entries()) {
    await runCommand(ctx, 'user.create', (tx) =>
      createUser(
        tx,
        {
          username: u.username,
          password: u.password,
          role: u.role,
          displayName: u.displayName,
          enterpriseId: u.enterprise ? ids.get(u.enterprise)! : null,
        },
        actor,
        ctx.clock.now(),
        { passwordHash: passwordHashes[i] },
      ),
    );
  }
  const residentId = (first17: string) => first17 + residentIdCheckDigit(first17);
  await createIndividual(ctx, actor, {
    idType: 'RESIDENT_ID',
    idNumber: residentId('46010019900307123'),
    name: '王海燕',
    nationality: 'CHN',
  });
  const liMing = await createIndividual(ctx, actor, {
    idType: 'RESIDENT_ID',
    idNumber: residentId('44030119851120456'),
    name: '李明',
    nationality: 'CHN',
  });
  await createIndividual(ctx, actor, {
    idType: 'PASSPORT',
    idNumber: 'E12345678',
    name: 'Tan Wei Ming',
    nationality: 'SGP',
  });
  const individuals = new Map([['liMing', liMing.id]]);
  const world: DemoWorld = {
    enterpriseId: (key) => known(ids, key, 'enterprise'),
    uscc,
    individualId: (key) => known(individuals, key, 'individual'),
  };
  timings?.mark('demo base');
  for (const m of MODULES) {
    if (!m.seedDemo) continue;
    await m.seedDemo(ctx, world);
    timings?.mark(`demo ${m.name}`);
  }
}

function known(map: Map<string, string>, key: string, what: string): string {
  const id = map.get(key);
  if (id === undefined) throw new Error(`The base demo has no ${what} ${key}.`);
  return id;
}
