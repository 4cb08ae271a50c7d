/** The columns of each drill-down panel of the command centre. */
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { formatDateTime, formatMoney } from '../../format.ts';
import type { DrillResult } from '../../api/wire.ts';
import { type Column, codes, declaration, enterprise, label, port, secondsBetween, str, time } from './drillCells.tsx';

export const COLUMNS: Record<DrillResult['panel'], Column[]> = {
  gate: [
    { key: 'command.col.time', cell: time('occurredAt') },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.lane', cell: (r) => str(r.laneCode).replace(/^.*-L/, 'L') },
    { key: 'command.col.plate', cell: (r) => str(r.plate) },
    { key: 'command.col.decision', cell: label('command.decision', 'decision') },
    { key: 'command.col.reasons', cell: codes('gate.reason') },
    {
      key: 'command.col.document',
      cell: (r) =>
        r.inspectionTaskId ? (
          <a href={`#/inspection/${str(r.inspectionTaskId)}`}>{str(r.inspectionTaskId).slice(-8)}</a>
        ) : (
          '—'
        ),
    },
  ],
  declarations: [
    { key: 'command.col.time', cell: time('createdAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.kind', cell: label('decl.kind', 'kind') },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.state', cell: label('decl.state', 'state') },
  ],
  held: [
    { key: 'command.col.time', cell: time('updatedAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.state', cell: label('decl.state', 'state') },
  ],
  inspections: [
    {
      key: 'command.col.time',
      cell: (r, t, lang) => <a href={`#/inspection/${str(r.id)}`}>{formatDateTime(str(r.createdAt), lang)}</a>,
    },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.source', cell: label('command.source', 'source') },
    { key: 'command.col.status', cell: label('command.task', 'status') },
    { key: 'command.col.assignee', cell: (r) => str(r.assignee) || '—' },
    { key: 'command.col.reasons', cell: codes('gate.reason') },
    {
      key: 'command.col.document',
      cell: (r) =>
        r.documentType === 'SECOND_LINE_EXIT' || r.documentType === 'BATCH_EXIT' ? (
          declaration('documentId')(r)
        ) : (
          <span className="mono">{str(r.documentId).slice(-12)}</span>
        ),
    },
  ],
  alerts: [
    { key: 'command.col.time', cell: time('createdAt') },
    {
      key: 'command.col.level',
      cell: (r, t) => (
        <span className={`level level-${str(r.level)}`}>{t(`risk.level.${str(r.level)}` as MessageKey)}</span>
      ),
    },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.score', cell: (r) => str(r.score), num: true },
    { key: 'command.col.class', cell: label('class', 'creditClass') },
    {
      key: 'command.col.document',
      cell: (r) => (
        <a href={`#/risk/decision/${str(r.declarationId)}`} className="mono">
          {str(r.declarationId).slice(-8)}
        </a>
      ),
    },
  ],
  taxBills: [
    { key: 'command.col.time', cell: time('issuedAt') },
    { key: 'command.col.billNo', cell: (r) => <span className="mono">{str(r.billNo)}</span> },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.kind', cell: (r) => str(r.kind) },
    { key: 'command.col.total', cell: (r, _t, lang) => formatMoney(str(r.total), lang), num: true },
    { key: 'command.col.document', cell: declaration('declarationId') },
  ],
  clearance: [
    { key: 'command.col.exited', cell: time('exitedAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.submitted', cell: time('submittedAt') },
    { key: 'command.col.released', cell: time('releasedAt') },
    { key: 'command.col.toExit', cell: secondsBetween('submittedAt', 'exitedAt'), num: true },
  ],
  credit: [
    { key: 'command.col.time', cell: time('createdAt') },
    { key: 'command.col.class', cell: label('class', 'creditClass') },
    {
      key: 'command.col.level',
      cell: (r, t) => (
        <span className={`level level-${str(r.level)}`}>{t(`risk.level.${str(r.level)}` as MessageKey)}</span>
      ),
    },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.selected', cell: (r, t) => t(r.selected ? 'common.yes' : 'common.no') },
    { key: 'command.col.outcome', cell: label('command.outcome', 'outcome') },
    {
      key: 'command.col.document',
      cell: (r) => (
        <a href={`#/risk/decision/${str(r.declarationId)}`} className="mono">
          {str(r.declarationId).slice(-8)}
        </a>
      ),
    },
  ],
};
