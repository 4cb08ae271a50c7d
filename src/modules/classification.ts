/**
 * Data classification (数据分类分级): the class of every stored column, from each module's
 * `classification.ts` beside its schema and the platform's own, in one list. The table in
 * docs/data-classification.md is generated from it (`npx tsx scripts/data-classification.ts`), and
 * src/modules/classification.test.ts fails when a column of any table has no class or the docs differ.
 */
import { DATA_CLASSES, DISCLOSURE, type DataClass, type ReaderRole } from '../kernel/dataClass.ts';
import type { TableClasses } from '../platform/db/classify.ts';
import { PLATFORM_CLASSIFICATION } from '../platform/classification.ts';
import { CLASSIFICATION as command } from './command/classification.ts';
import { CLASSIFICATION as credit } from './credit/classification.ts';
import { CLASSIFICATION as declarations } from './declarations/classification.ts';
import { CLASSIFICATION as dutyfree } from './dutyfree/classification.ts';
import { CLASSIFICATION as rings } from './dutyfree/rings/classification.ts';
import { CLASSIFICATION as firstline } from './firstline/classification.ts';
import { CLASSIFICATION as gate } from './gate/classification.ts';
import { CLASSIFICATION as jointcontrol } from './jointcontrol/classification.ts';
import { CLASSIFICATION as ledger } from './ledger/classification.ts';
import { CLASSIFICATION as licence } from './licence/classification.ts';
import { CLASSIFICATION as origin } from './origin/classification.ts';
import { CLASSIFICATION as payments } from './payments/classification.ts';
import { CLASSIFICATION as personalcredit } from './personalcredit/classification.ts';
import { CLASSIFICATION as risk } from './risk/classification.ts';
import { CLASSIFICATION as sharing } from './sharing/classification.ts';
import { CLASSIFICATION as subjects } from './subjects/classification.ts';
import { CLASSIFICATION as tariff } from './tariff/classification.ts';
import { CLASSIFICATION as tax } from './tax/classification.ts';
import { CLASSIFICATION as valueadded } from './valueadded/classification.ts';

export const DATA_CLASSIFICATION: readonly { owner: string; tables: readonly TableClasses[] }[] = [
  { owner: 'platform', tables: PLATFORM_CLASSIFICATION },
  { owner: 'subjects', tables: subjects },
  { owner: 'credit', tables: credit },
  { owner: 'risk', tables: risk },
  { owner: 'tax', tables: tax },
  { owner: 'sharing', tables: sharing },
  { owner: 'ledger', tables: ledger },
  { owner: 'gate', tables: gate },
  { owner: 'declarations', tables: declarations },
  { owner: 'dutyfree', tables: dutyfree },
  { owner: 'dutyfree/rings', tables: rings },
  { owner: 'personalcredit', tables: personalcredit },
  { owner: 'tariff', tables: tariff },
  { owner: 'licence', tables: licence },
  { owner: 'origin', tables: origin },
  { owner: 'firstline', tables: firstline },
  { owner: 'jointcontrol', tables: jointcontrol },
  { owner: 'command', tables: command },
  { owner: 'payments', tables: payments },
  { owner: 'valueadded', tables: valueadded },
];

const CLASS_ZH: Record<DataClass, string> = { CORE: '核心数据', IMPORTANT: '重要数据', GENERAL: '一般数据' };
const ROLES: ReaderRole[] = [
  'admin',
  'inspector',
  'auditor',
  'risk_analyst',
  'command_viewer',
  'department',
  'enterprise_user',
  'gate_device',
  'dutyfree_shop',
];

/** docs/data-classification.md, generated: the disclosure table, then every table's columns by class. */
export function classificationMarkdown(): string {
  const lines: string[] = [
    '# Data classification — 数据分类分级',
    '',
    '<!-- Generated from src/modules/classification.ts by `npx tsx scripts/data-classification.ts`; do not edit. -->',
    '',
    'Every stored column is **core** (核心数据), **important** (重要数据) or **general** (一般数据). The',
    "class is written next to each module's schema (`classification.ts`); a test fails when a column has",
    'no class. Core: personal identifiers and secrets (their disclosure harms a person or opens the',
    'system). Important: commercial and enforcement data — values, quantities, taxes, balances, risk',
    'verdicts and rules, inspection findings, the words of officers and departments. General: codes,',
    'states, dates, published registries, reference data and policy.',
    '',
    '## Who reads what',
    '',
    'What leaves for a department (feeds, webhooks, exports) is desensitised by the class of each field',
    "and the reader's role (`kernel/dataClass.ts`): CLEAR, DESENSITISED (by the field's method: an amount",
    'as its order of magnitude, a text masked after its first character, or left out) or NONE.',
    '',
    `| role | ${DATA_CLASSES.map((c) => `${c.toLowerCase()} (${CLASS_ZH[c]})`).join(' | ')} |`,
    `| --- | ${DATA_CLASSES.map(() => '---').join(' | ')} |`,
    ...ROLES.map((r) => `| ${r} | ${DATA_CLASSES.map((c) => DISCLOSURE[r][c]).join(' | ')} |`),
    '',
    'Field by field, the feeds: `credit.classChanges` (`CREDIT_CHANGE_FIELD_RULES` in',
    '`src/modules/credit/classification.ts`) and `jointControl.cases` (`CASE_FIELD_RULES`,',
    '`FEED_FIELD_RULES` in `src/modules/jointcontrol/wire.ts`).',
    '',
    '## Stored columns',
    '',
    '| table | core | important | general | why |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const { owner, tables } of DATA_CLASSIFICATION) {
    for (const t of tables) {
      const of = (c: DataClass) =>
        Object.entries(t.columns)
          .filter(([, k]) => k === c)
          .map(([n]) => `\`${n}\``)
          .join(', ') || '—';
      lines.push(`| ${owner}: \`${t.table}\` | ${of('CORE')} | ${of('IMPORTANT')} | ${of('GENERAL')} | ${t.note} |`);
    }
  }
  const count = (c: DataClass) =>
    DATA_CLASSIFICATION.flatMap((o) => o.tables).flatMap((t) => Object.values(t.columns).filter((k) => k === c)).length;
  lines.push(
    '',
    `${DATA_CLASSIFICATION.flatMap((o) => o.tables).length} tables: ` +
      DATA_CLASSES.map((c) => `${count(c)} ${c.toLowerCase()}`).join(', ') +
      ' columns.',
    '',
  );
  return lines.join('\n');
}
