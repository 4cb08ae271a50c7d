import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { InspectionTask } from '../../api/wire.ts';
import { PORT_CODES, portLabel } from '../../api/ports.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import { routeParams, setParams } from '../../urlState.ts';
import { documentLabel, reasonLabel, sourceLabel, statusLabel } from './labels.ts';

const VIEWS = { open: 'OPEN,ASSIGNED,IN_PROGRESS', done: 'COMPLETED', all: 'ALL' } as const;
type View = keyof typeof VIEWS;

/** Inspection tasks: open ones by default, the finished ones as history; port and text filters in the URL. */
export function InspectionList({ route }: { route: string }) {
  const { t, lang } = useI18n();
  const ot = useOt();
  const params = routeParams(route);
  const view: View = (['open', 'done', 'all'] as const).find((v) => v === params.get('view')) ?? 'open';
  const port = params.get('port') ?? '';
  const text = params.get('q') ?? '';
  const q = useQuery({
    queryKey: ['inspection-tasks', view, port],
    queryFn: () =>
      api<{ items: InspectionTask[] }>(
        'GET',
        `/api/v1/inspection/tasks?status=${VIEWS[view]}${port ? `&portCode=${encodeURIComponent(port)}` : ''}`,
      ),
  });
  const needle = text.trim().toLowerCase();
  const rows = (q.data?.items ?? []).filter(
    (x) =>
      !needle ||
      [x.plate, x.enterprise?.name, x.enterprise?.uscc, x.documentId, x.assignee].some((v) =>
        v?.toLowerCase().includes(needle),
      ),
  );
  const columns: Column<InspectionTask>[] = [
    {
      key: 'created',
      header: t('inspection.created'),
      cell: (x) => (
        <a href={`#/inspection/${x.id}`} data-testid="task-open">
          {formatDateTime(x.createdAt, lang)}
        </a>
      ),
    },
    { key: 'port', header: t('gate.port'), cell: (x) => portLabel(x.portCode, lang) },
    { key: 'enterprise', raw: true, header: ot('insp.enterprise'), cell: (x) => x.enterprise?.name ?? '—' },
    { key: 'plate', header: ot('insp.plate'), cell: (x) => x.plate ?? '—' },
    {
      key: 'document',
      header: ot('insp.document'),
      secondary: true,
      cell: (x) => `${documentLabel(x.documentType, t)} · ${sourceLabel(x.source, t)}`,
    },
    {
      key: 'reasons',
      header: t('inspection.reasons'),
      secondary: true,
      cell: (x) => x.reasons.map((r) => reasonLabel(r.code, t)).join('、'),
    },
    { key: 'status', header: t('inspection.status'), cell: (x) => statusLabel(x.status, t) },
    { key: 'assignee', raw: true, header: ot('insp.assignee'), cell: (x) => x.assignee ?? '—' },
  ];
  return (
    <section className="page" data-testid="inspection-tasks">
      <h1>{t('inspection.tasks')}</h1>
      <nav className="tabs" aria-label={ot('insp.views')}>
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <a
            key={v}
            href={`#/inspection?view=${v}${port ? `&port=${port}` : ''}`}
            className={v === view ? 'active' : ''}
            aria-current={v === view ? 'page' : undefined}
            data-testid={`insp-view-${v}`}
          >
            {ot(`insp.view.${v}`)}
          </a>
        ))}
      </nav>
      <div className="search filters">
        <label>
          {t('gate.port')}{' '}
          <select value={port} data-testid="insp-port" onChange={(e) => setParams(route, { port: e.target.value })}>
            <option value="">{ot('insp.allPorts')}</option>
            {PORT_CODES.map((p) => (
              <option key={p} value={p}>
                {portLabel(p, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {ot('insp.search')}{' '}
          <input
            type="search"
            defaultValue={text}
            data-testid="insp-search"
            onChange={(e) => setParams(route, { q: e.target.value }, { replace: true })}
          />
        </label>
      </div>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <DataTable
          columns={columns}
          rows={rows}
          rowKey={(x) => x.id}
          caption={t('inspection.tasks')}
          empty={ot('insp.none')}
          testId="inspection-table"
          rowTestId={(_, i) => `inspection-task-${i}`}
        />
      )}
    </section>
  );
}
