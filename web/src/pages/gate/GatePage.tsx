import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import { useExplain } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useCan } from '../../permissions.tsx';
import { formatDateTime } from '../../format.ts';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { PORT_NAMES } from '../risk/ports.ts';

const PORTS = [
  'CNHAK-XINHAI',
  'CNHAK-NANGANG',
  'CNHAK-PORT',
  'CNYPG-PORT',
  'CNBSP-PORT',
  'CNSYX-PORT',
  'CNQLN-PORT',
  'CNHAK-MEILAN',
  'CNSYX-PHOENIX',
  'CNQHI-BOAO',
];

interface PortView {
  portCode: string;
  lanes: { code: string; laneNo: number; kind: string; nameZh: string; passed: number; diverted: number }[];
  hours: { hour: number; label: string; passed: number; diverted: number }[];
  divertReasons: { code: string; count: number }[];
  openInspections: number;
  openReleaseOrders: number;
  openReplayConflicts: number;
}

interface Task {
  id: string;
  source: string;
  documentType: string;
  documentId: string;
  portCode: string;
  reasons: { code: string; detail: string }[];
  status: string;
  assignee: string | null;
  outcome: string | null;
  attended: boolean | null;
  disposition: string | null;
  createdAt: string;
  evidence?: { id: string; fileName: string; sizeBytes: number; sha256: string }[];
}

/** Stacked bars of trucks passed / diverted per hour (SVG, no chart library). */
function HourBars({ hours }: { hours: PortView['hours'] }) {
  const W = 720;
  const H = 160;
  const top = Math.max(1, ...hours.map((h) => h.passed + h.diverted));
  const bw = W / hours.length;
  const y = (v: number) => (v / top) * (H - 24);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" data-testid="gate-hours">
      {hours.map((h, i) => (
        <g key={h.hour}>
          <rect x={i * bw + 2} y={H - 18 - y(h.passed)} width={bw - 4} height={y(h.passed)} fill="#2e7d32" />
          <rect
            x={i * bw + 2}
            y={H - 18 - y(h.passed) - y(h.diverted)}
            width={bw - 4}
            height={y(h.diverted)}
            fill="#c62828"
          />
          {i % 3 === 0 && (
            <text x={i * bw + bw / 2} y={H - 4} textAnchor="middle" className="chart-label">
              {h.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}

export function PortViewPage() {
  const { t } = useI18n();
  const [port, setPort] = useState('CNHAK-XINHAI');
  const q = useQuery({
    queryKey: ['gate-port', port],
    queryFn: () => api<PortView>('GET', `/api/v1/gate/ports/${port}/view`),
    refetchInterval: 30_000,
  });
  const passed = q.data?.hours.reduce((s, h) => s + h.passed, 0) ?? 0;
  const diverted = q.data?.hours.reduce((s, h) => s + h.diverted, 0) ?? 0;
  return (
    <section className="page" data-testid="gate-port-view">
      <h1>{t('gate.portView')}</h1>
      <label>
        {t('gate.port')}{' '}
        <select data-testid="gate-port-select" value={port} onChange={(e) => setPort(e.target.value)}>
          {PORTS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <>
          <div className="cards">
            <div className="card">
              {t('gate.passed24h')} <strong data-testid="gate-passed">{passed}</strong>
            </div>
            <div className="card">
              {t('gate.diverted24h')} <strong data-testid="gate-diverted">{diverted}</strong>
            </div>
            <div className="card">
              {t('gate.openInspections')} <strong data-testid="gate-open-inspections">{q.data.openInspections}</strong>
            </div>
            <div className="card">
              {t('gate.openOrders')} <strong data-testid="gate-open-orders">{q.data.openReleaseOrders}</strong>
            </div>
            <div className="card">
              {t('gate.conflicts')} <strong data-testid="gate-conflicts">{q.data.openReplayConflicts}</strong>
            </div>
          </div>
          <h2>{t('gate.perHour')}</h2>
          <HourBars hours={q.data.hours} />
          <h2>{t('gate.lanes')}</h2>
          <table data-testid="gate-lanes">
            <thead>
              <tr>
                <th>{t('gate.lane')}</th>
                <th>{t('gate.kind')}</th>
                <th>{t('gate.passed')}</th>
                <th>{t('gate.diverted')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.lanes.map((l) => (
                <tr key={l.code} data-testid={`gate-lane-${l.code}`}>
                  <td>
                    {l.nameZh} <small>{l.code}</small>
                  </td>
                  <td>{l.kind}</td>
                  <td>{l.passed}</td>
                  <td>{l.diverted}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('gate.reasons')}</h2>
          <ul data-testid="gate-reasons">
            {q.data.divertReasons.map((r) => (
              <li key={r.code}>
                {t(`gate.reason.${r.code}` as never)}: {r.count}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A port's name in the user's language. */
const portLabel = (code: string, lang: string) => (PORT_NAMES[code] ?? [code, code])[lang === 'zh-CN' ? 0 : 1];
/** A divert or selection reason in words where the app knows the code, else the code. */
function reasonLabel(code: string, t: (k: MessageKey) => string): string {
  const key = `gate.reason.${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
}

/** The inspected document's kind in words: a declaration, a book document or a gate event. */
function documentLabel(type: string, t: (k: MessageKey) => string): string {
  for (const key of [`decl.kind.${type}`, `ledger.doc.${type}`, `inspection.document.${type}`] as MessageKey[]) {
    const text = t(key);
    if (text !== key) return text;
  }
  return type;
}

export function TaskListPage() {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['inspection-tasks'],
    queryFn: () => api<{ items: Task[] }>('GET', '/api/v1/inspection/tasks'),
  });
  return (
    <section className="page" data-testid="inspection-tasks">
      <h1>{t('inspection.tasks')}</h1>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} />}
      {q.data && (
        <table>
          <thead>
            <tr>
              <th>{t('inspection.created')}</th>
              <th>{t('gate.port')}</th>
              <th>{t('inspection.source')}</th>
              <th>{t('inspection.reasons')}</th>
              <th>{t('inspection.status')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((task, i) => (
              <tr key={task.id} data-testid={`inspection-task-${i}`}>
                <td>
                  <a href={`#/inspection/${task.id}`}>{formatDateTime(task.createdAt, lang)}</a>
                </td>
                <td>{portLabel(task.portCode, lang)}</td>
                <td>{t(`command.source.${task.source}` as MessageKey)}</td>
                <td>{task.reasons.map((r) => reasonLabel(r.code, t)).join('、')}</td>
                <td>{t(`command.task.${task.status}` as MessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export function TaskPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const can = useCan();
  const canAssign = can('POST', '/api/v1/inspection/tasks/:taskId/assign');
  const canStart = can('POST', '/api/v1/inspection/tasks/:taskId/start');
  const canEvidence = can('POST', '/api/v1/inspection/tasks/:taskId/evidence');
  const canComplete = can('POST', '/api/v1/inspection/tasks/:taskId/complete');
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['inspection-task', id],
    queryFn: () => api<Task>('GET', `/api/v1/inspection/tasks/${id}`),
  });
  const [outcome, setOutcome] = useState('MATCH');
  const [attended, setAttended] = useState(false);
  const [disposition, setDisposition] = useState('RELEASE');
  const [line, setLine] = useState('0');
  const [value, setValue] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: ['inspection-task', id] });
  const act = useMutation({
    mutationFn: async (what: 'assign' | 'start' | 'complete' | { file: File }) => {
      if (what === 'assign')
        return api('POST', `/api/v1/inspection/tasks/${id}/assign`, { assignee: session.user()?.username ?? '' });
      if (what === 'start') return api('POST', `/api/v1/inspection/tasks/${id}/start`);
      if (what === 'complete') {
        const corrections = outcome === 'MATCH' || !value ? undefined : [{ lineIndex: Number(line), valueCny: value }];
        return api('POST', `/api/v1/inspection/tasks/${id}/complete`, {
          outcome,
          attended,
          disposition,
          ...(corrections ? { corrections } : {}),
        });
      }
      return api('POST', `/api/v1/inspection/tasks/${id}/evidence`, {
        fileName: what.file.name,
        contentType: what.file.type || 'application/octet-stream',
        contentBase64: await readBase64(what.file),
      });
    },
    onSuccess: refresh,
  });
  const explained = useExplain(act.error);
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} />;
  const task = q.data!;
  const err = (path: string) => explained?.at(path).join(' ') ?? '';
  return (
    <section className="page" data-testid="inspection-task">
      <p>
        <a href="#/inspection">← {t('inspection.tasks')}</a>
      </p>
      <h1>
        {t('inspection.task')}{' '}
        <small>
          {documentLabel(task.documentType, t)}{' '}
          {task.documentType === 'SECOND_LINE_EXIT' || task.documentType === 'BATCH_EXIT' ? (
            <a href={`#/declarations/${task.documentId}`} className="mono" data-testid="task-document">
              {task.documentId}
            </a>
          ) : (
            <span className="mono">{task.documentId}</span>
          )}
        </small>
      </h1>
      <p>
        {t('inspection.status')}:{' '}
        <strong data-testid="task-status" data-status={task.status}>
          {t(`command.task.${task.status}` as MessageKey)}
        </strong>{' '}
        · {portLabel(task.portCode, lang)} · {t(`command.source.${task.source}` as MessageKey)}
        {task.assignee && <> · {task.assignee}</>}
      </p>
      <h2>{t('inspection.reasons')}</h2>
      <ul data-testid="task-reasons">
        {task.reasons.map((r, i) => (
          <li key={i}>
            <strong>{reasonLabel(r.code, t)}</strong>{' '}
            <span className="small" lang="en">
              {r.detail}
            </span>
          </li>
        ))}
      </ul>
      {act.error && <ErrorBox error={act.error} fieldsShown={['corrections', 'disposition']} />}
      {(task.status === 'OPEN' || task.status === 'ASSIGNED') && (canAssign || canStart) && (
        <p>
          {task.status === 'OPEN' && canAssign && (
            <button type="button" data-testid="task-assign" onClick={() => act.mutate('assign')}>
              {t('inspection.assign')}
            </button>
          )}{' '}
          {canStart && (
            <button type="button" data-testid="task-start" onClick={() => act.mutate('start')}>
              {t('inspection.start')}
            </button>
          )}
        </p>
      )}
      <h2>{t('inspection.evidence')}</h2>
      <ul data-testid="task-evidence">
        {(task.evidence ?? []).map((e) => (
          <li key={e.id}>
            <a href={`/api/v1/inspection/tasks/${task.id}/evidence/${e.id}`}>{e.fileName}</a> ({e.sizeBytes} B){' '}
            <code data-testid="evidence-sha256">{e.sha256}</code>
          </li>
        ))}
      </ul>
      {(task.status === 'ASSIGNED' || task.status === 'IN_PROGRESS') && canEvidence && (
        <input
          type="file"
          data-testid="evidence-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) act.mutate({ file: f });
          }}
        />
      )}
      {task.status === 'IN_PROGRESS' && canComplete && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate('complete');
          }}
        >
          <h2>{t('inspection.outcome')}</h2>
          <select data-testid="task-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="MATCH">{t('inspection.MATCH')}</option>
            <option value="DISCREPANCY">{t('inspection.DISCREPANCY')}</option>
            <option value="SEIZURE">{t('inspection.SEIZURE')}</option>
          </select>
          <label>
            <input
              type="checkbox"
              data-testid="task-attended"
              checked={attended}
              onChange={(e) => setAttended(e.target.checked)}
            />{' '}
            {t('inspection.attended')}
          </label>
          {outcome !== 'MATCH' && (
            <fieldset>
              <legend>{t('inspection.correction')}</legend>
              <input
                data-testid="task-correction-line"
                value={line}
                onChange={(e) => setLine(e.target.value)}
                size={3}
              />{' '}
              <input
                data-testid="task-correction-value"
                placeholder="valueCny"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
              <div className="field-error" data-testid="task-corrections-error">
                {err('corrections')}
              </div>
            </fieldset>
          )}
          <select data-testid="task-disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)}>
            <option value="RELEASE">{t('inspection.RELEASE')}</option>
            <option value="KEEP">{t('inspection.KEEP')}</option>
          </select>
          <div className="field-error" data-testid="task-disposition-error">
            {err('disposition')}
          </div>
          <button type="submit" data-testid="task-complete">
            {t('inspection.complete')}
          </button>
        </form>
      )}
      {task.status === 'COMPLETED' && (
        <p data-testid="task-result">
          {task.outcome} · {task.attended ? t('inspection.attended') : t('inspection.unattended')} · {task.disposition}
        </p>
      )}
    </section>
  );
}

export function GatePage({ route }: { route: string }) {
  if (route.startsWith('/inspection/')) return <TaskPage id={route.slice('/inspection/'.length)} />;
  if (route.startsWith('/inspection')) return <TaskListPage />;
  return <PortViewPage />;
}
