import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { Declaration, MonthView } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { StateBadge } from './parts.tsx';

function previousMonth(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

/** The month's batches, the centralized declaration's due date and facility, and filing it. */
export function MonthPanel() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [period, setPeriod] = useState(previousMonth());
  const month = useQuery({
    queryKey: ['decl-month', period],
    queryFn: () => api<MonthView>('GET', `/api/v1/declarations/month?period=${period}`),
  });
  const file = useMutation({
    mutationFn: () =>
      api<Declaration>('POST', '/api/v1/declarations/centralized', {
        requestId: `central-${period}-${Date.now()}`,
        period,
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['decl-month', period] }),
  });
  const m = month.data;
  return (
    <div data-testid="decl-month">
      <div className="search">
        <input
          type="month"
          value={period}
          onChange={(e) => setPeriod(e.target.value)}
          aria-label={t('decl.tab.month')}
          data-testid="decl-month-period"
        />
      </div>
      {month.isLoading && <Spinner />}
      {month.error && <ErrorBox error={month.error} />}
      {m && (
        <>
          <div className="cards">
            <div className="card">
              <div className="card-label">{t('decl.month.due')}</div>
              <div className="card-title mono" data-testid="decl-month-due">
                {m.dueDate}
              </div>
              {m.overdue && <div className="warn">{t('decl.month.overdue')}</div>}
            </div>
            <div className="card">
              <div className="card-label">{t('decl.month.facility')}</div>
              <div className="card-title" data-testid="decl-month-facility">
                {t(`decl.facility.${m.facility.status}` as 'decl.facility.ACTIVE')}
              </div>
              <div className="small">{m.facility.reason}</div>
            </div>
            <div className="card">
              <div className="card-label">{t('decl.month.batches')}</div>
              <div className="card-value" data-testid="decl-month-count">
                {m.batches.length}
              </div>
            </div>
          </div>
          <table className="table clickable">
            <tbody>
              {m.batches.map((b) => (
                <tr key={b.id} onClick={() => navigate(`/declarations/${b.id}`)}>
                  <td className="mono small">
                    <a href={`#/declarations/${b.id}`}>{b.businessDate}</a>
                  </td>
                  <td>
                    <StateBadge state={b.state} />
                  </td>
                  <td className="small">{(b.form as { transport?: { plate?: string } }).transport?.plate}</td>
                  <td className="small">
                    {b.lines.length} {t('decl.lines')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {m.centralized ? (
            <div className="ok-box" data-testid="decl-month-centralized">
              {t('decl.month.filed')} <a href={`#/declarations/${m.centralized.id}`}>{m.centralized.state}</a> ·{' '}
              {t('decl.col.taxes')} {m.centralized.taxes?.total}
            </div>
          ) : (
            m.batches.length > 0 && (
              <button
                type="button"
                onClick={() => file.mutate()}
                disabled={file.isPending}
                data-testid="decl-month-file"
              >
                {t('decl.month.file')}
              </button>
            )
          )}
          {file.error && <ErrorBox error={file.error} fieldsShown={[]} />}
        </>
      )}
    </div>
  );
}
