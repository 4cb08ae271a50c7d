import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { InspectionTaskDetail } from '../../api/wire.ts';
import { portLabel } from '../../api/ports.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import { useCan } from '../../permissions.tsx';
import { CompleteForm } from './CompleteForm.tsx';
import { EvidenceList } from './EvidenceList.tsx';
import { documentLabel, isDeclaration, reasonLabel, sourceLabel, statusLabel } from './labels.ts';

/** One inspection: the truck and its goods, why it was selected, who has it, the evidence and the result. */
export function InspectionTask({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const ot = useOt();
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['inspection-task', id],
    queryFn: () => api<InspectionTaskDetail>('GET', `/api/v1/inspection/tasks/${id}`),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['inspection-task', id] });
    void qc.invalidateQueries({ queryKey: ['inspection-tasks'] });
  };
  const act = useMutation({
    mutationFn: (what: 'assign' | 'start') =>
      what === 'assign'
        ? api('POST', `/api/v1/inspection/tasks/${id}/assign`, { assignee: 'me' })
        : api('POST', `/api/v1/inspection/tasks/${id}/start`),
    onSuccess: refresh,
  });
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} />;
  const task = q.data!;
  const canAssign = can('POST', '/api/v1/inspection/tasks/:taskId/assign');
  const canStart = can('POST', '/api/v1/inspection/tasks/:taskId/start');
  const waiting = task.status === 'OPEN' || task.status === 'ASSIGNED';
  return (
    <section className="page" data-testid="inspection-task">
      <p>
        <a href="#/inspection">← {t('inspection.tasks')}</a>
      </p>
      <h1>
        {t('inspection.task')} <small>{documentLabel(task.documentType, t)}</small>
      </h1>
      <dl className="facts">
        <dt>{t('inspection.status')}</dt>
        <dd>
          <strong data-testid="task-status" data-status={task.status}>
            {statusLabel(task.status, t)}
          </strong>
        </dd>
        <dt>{ot('insp.document')}</dt>
        <dd>
          {isDeclaration(task.documentType) ? (
            <a href={`#/declarations/${task.documentId}`} className="mono" data-testid="task-document">
              {task.documentId}
            </a>
          ) : (
            <span className="mono">{task.documentId}</span>
          )}
        </dd>
        <dt>{t('gate.port')}</dt>
        <dd>{portLabel(task.portCode, lang)}</dd>
        <dt>{t('inspection.source')}</dt>
        <dd>{sourceLabel(task.source, t)}</dd>
        <dt>{ot('insp.enterprise')}</dt>
        <dd data-testid="task-enterprise" data-raw>
          {task.enterprise ? `${task.enterprise.name}（${task.enterprise.uscc}）` : '—'}
        </dd>
        <dt>{ot('insp.plate')}</dt>
        <dd data-testid="task-plate">{task.plate ?? '—'}</dd>
        <dt>{ot('insp.containers')}</dt>
        <dd className="mono">{task.containers.join('、') || '—'}</dd>
        <dt>{ot('insp.seals')}</dt>
        <dd className="mono" data-testid="task-seals">
          {task.seals.join('、') || '—'}
        </dd>
        <dt>{ot('insp.assignee')}</dt>
        <dd data-testid="task-assignee" data-raw>
          {task.assignee ?? '—'}
        </dd>
        <dt>{t('inspection.created')}</dt>
        <dd>{formatDateTime(task.createdAt, lang)}</dd>
        {task.completedAt && (
          <>
            <dt>{ot('insp.completedAt')}</dt>
            <dd>{formatDateTime(task.completedAt, lang)}</dd>
          </>
        )}
      </dl>
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
      {act.error && <ErrorBox error={act.error} />}
      {waiting && (canAssign || canStart) && (
        <p className="actions">
          {task.status === 'OPEN' && canAssign && (
            <button type="button" data-testid="task-assign" onClick={() => act.mutate('assign')}>
              {t('inspection.assign')}
            </button>
          )}
          {canStart && (
            <button type="button" className="primary" data-testid="task-start" onClick={() => act.mutate('start')}>
              {t('inspection.start')}
            </button>
          )}
        </p>
      )}
      <EvidenceList task={task} onAdded={refresh} />
      {task.status === 'IN_PROGRESS' && can('POST', '/api/v1/inspection/tasks/:taskId/complete') && (
        <CompleteForm taskId={task.id} onDone={refresh} />
      )}
      {task.status === 'COMPLETED' && (
        <p data-testid="task-result">
          {t(`inspection.${task.outcome}` as 'inspection.MATCH')} ·{' '}
          {task.attended ? t('inspection.attended') : t('inspection.unattended')} ·{' '}
          {t(`inspection.${task.disposition}` as 'inspection.RELEASE')}
        </p>
      )}
    </section>
  );
}
