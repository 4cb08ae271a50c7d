import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { DeclarationDetail } from './DeclarationDetail.tsx';
import { ExitForm } from './ExitForm.tsx';
import type { Declaration, MonthView, TaxBill } from '../../api/wire.ts';
import { useCan } from '../../permissions.tsx';

const STATE_COLOR: Record<string, string> = {
  SUBMITTED: '#5b6b7c',
  ACCEPTED: '#1a7f4b',
  HELD: '#c77700',
  REJECTED: '#c0392b',
  RELEASED: '#1f5fa8',
  EXITED: '#1a7f4b',
  CANCELLED: '#888',
  AMENDED: '#888',
};

export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <span className="level-badge" style={{ background: STATE_COLOR[state] ?? '#5b6b7c' }} data-testid="decl-state">
      {t(`decl.state.${state}` as 'decl.state.SUBMITTED')}
    </span>
  );
}

/**
 * 二线出岛: the enterprise portal (declare an exit or a batch, state and reasons, the month's
 * batches and the centralized declaration to file, tax bills) and, for officers, the list to work
 * (HELD first) leading to a declaration's detail.
 */
export function DeclarationsPage({ route }: { route: string }) {
  const { t } = useI18n();
  const user = session.user();
  const can = useCan();
  const enterprise = user?.role === 'enterprise_user';
  // The filing tabs follow what the server lets this role file, not a copied list of roles.
  const files = can('POST', '/api/v1/declarations/exits');
  const id = /^\/declarations\/([0-9a-f-]{36})/.exec(route)?.[1];
  const [tab, setTab] = useState<'list' | 'new' | 'batch' | 'month' | 'bills'>('list');
  if (id) return <DeclarationDetail id={id} />;
  const tabs =
    files && enterprise ? (['list', 'new', 'batch', 'month', 'bills'] as const) : (['list', 'bills'] as const);
  return (
    <section>
      <h1>{t('decl.title')}</h1>
      <div className="tabs">
        {tabs.map((k) => (
          <button
            key={k}
            type="button"
            className={tab === k ? 'tab active' : 'tab'}
            data-testid={`decl-tab-${k}`}
            onClick={() => setTab(k)}
          >
            {t(`decl.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === 'list' && <DeclarationList officer={!enterprise} />}
      {tab === 'new' && <ExitForm kind="SECOND_LINE_EXIT" />}
      {tab === 'batch' && <ExitForm kind="BATCH_EXIT" />}
      {tab === 'month' && <MonthPanel />}
      {tab === 'bills' && <TaxBills />}
    </section>
  );
}

function DeclarationList({ officer }: { officer: boolean }) {
  const { t } = useI18n();
  const [state, setState] = useState(officer ? 'HELD' : '');
  const list = useQuery({
    queryKey: ['declarations', state],
    queryFn: () =>
      api<{ items: Declaration[]; total: number }>(
        'GET',
        `/api/v1/declarations?pageSize=50${state ? `&state=${state}` : ''}`,
      ),
  });
  return (
    <>
      <div className="search filters">
        <select value={state} onChange={(e) => setState(e.target.value)} data-testid="decl-filter-state">
          <option value="">{t('decl.allStates')}</option>
          {['SUBMITTED', 'HELD', 'ACCEPTED', 'RELEASED', 'EXITED', 'REJECTED', 'CANCELLED', 'AMENDED'].map((s) => (
            <option key={s} value={s}>
              {t(`decl.state.${s}` as 'decl.state.SUBMITTED')}
            </option>
          ))}
        </select>
      </div>
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <table className="table clickable" data-testid="decl-table">
          <thead>
            <tr>
              <th>{t('decl.col.kind')}</th>
              <th>{t('decl.col.state')}</th>
              <th>{t('decl.col.reason')}</th>
              <th>{t('decl.col.port')}</th>
              <th>{t('decl.col.date')}</th>
              <th className="num">{t('decl.col.taxes')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((d) => (
              <tr key={d.id} onClick={() => navigate(`/declarations/${d.id}`)} data-testid={`decl-row-${d.id}`}>
                <td>
                  {t(`decl.kind.${d.kind}` as 'decl.kind.SECOND_LINE_EXIT')}
                  {d.version > 1 && <span className="small"> v{d.version}</span>}
                </td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td className="small">{d.stateReason}</td>
                <td className="mono small">{d.portCode}</td>
                <td className="mono small">{d.businessDate}</td>
                <td className="num">{d.taxes?.total ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.items.length === 0 && <p className="muted">{t('decl.none')}</p>}
    </>
  );
}

function previousMonth(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

function MonthPanel() {
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
                  <td className="mono small">{b.businessDate}</td>
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

function TaxBills() {
  const { t } = useI18n();
  const bills = useQuery({
    queryKey: ['tax-bills'],
    queryFn: () => api<{ items: TaxBill[]; total: number }>('GET', '/api/v1/tax-bills?pageSize=100'),
  });
  const download = async () => {
    const res = await fetch('/api/v1/tax-bills/export.csv', {
      headers: { authorization: `Bearer ${session.token()}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'tax-bills.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div data-testid="decl-bills">
      <div className="actions">
        <button type="button" onClick={() => void download()} data-testid="decl-bills-export">
          {t('decl.bills.export')}
        </button>
      </div>
      {bills.isLoading && <Spinner />}
      {bills.error && <ErrorBox error={bills.error} />}
      {bills.data && <BillTable bills={bills.data.items} />}
    </div>
  );
}

export function BillTable({ bills }: { bills: TaxBill[] }) {
  const { t } = useI18n();
  return (
    <table className="table" data-testid="bill-table">
      <thead>
        <tr>
          <th>{t('decl.bill.no')}</th>
          <th>{t('decl.bill.kind')}</th>
          <th className="num">{t('decl.bill.duty')}</th>
          <th className="num">{t('decl.bill.ct')}</th>
          <th className="num">{t('decl.bill.vat')}</th>
          <th className="num">{t('decl.bill.total')}</th>
          <th>{t('decl.bill.versions')}</th>
        </tr>
      </thead>
      <tbody>
        {bills.map((b) => (
          <tr key={b.id} data-testid={`bill-${b.billNo}`}>
            <td className="mono small">
              <a href={`#/declarations/${b.declarationId}`}>{b.billNo}</a>
            </td>
            <td>{t(`decl.bill.${b.kind}` as 'decl.bill.ORIGINAL')}</td>
            <td className="num" data-testid="bill-duty">
              {b.duty}
            </td>
            <td className="num">{b.consumptionTax}</td>
            <td className="num" data-testid="bill-vat">
              {b.vat}
            </td>
            <td className="num" data-testid="bill-total">
              {b.total}
            </td>
            <td className="mono small">
              {Object.entries((b.figures as { parameterVersions?: Record<string, number> }).parameterVersions ?? {})
                .map(([k, v]) => `${k}@${v}`)
                .join(' ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
