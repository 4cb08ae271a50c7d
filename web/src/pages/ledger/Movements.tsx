import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Item, Movement } from './model.ts';

export function Movements({ bookId, items }: { bookId: string; items: Item[] }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ itemId: '', documentType: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
  const moves = useQuery({
    queryKey: ['ledger-movements', bookId, qs.toString(), page],
    queryFn: () =>
      api<{ items: Movement[]; total: number; pageSize: number }>(
        'GET',
        `/api/v1/ledger/books/${bookId}/movements?${qs.toString()}&page=${page}`,
      ),
  });
  const exportCsv = async () => {
    const res = await fetch(`/api/v1/ledger/books/${bookId}/movements.csv?${qs.toString()}`, {
      headers: { authorization: `Bearer ${session.token()}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `movements-${bookId}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const set = (k: keyof typeof filter) => (e: { target: { value: string } }) => {
    setFilter({ ...filter, [k]: e.target.value });
    setPage(1);
  };
  return (
    <>
      <h2>{t('ledger.movements')}</h2>
      <div className="search" data-testid="ledger-movement-filters">
        <select value={filter.itemId} onChange={set('itemId')} data-testid="mv-filter-item">
          <option value="">{t('ledger.allItems')}</option>
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.itemNo} {i.name}
            </option>
          ))}
        </select>
        <select value={filter.documentType} onChange={set('documentType')} data-testid="mv-filter-type">
          <option value="">{t('ledger.allTypes')}</option>
          {[
            'FIRST_LINE_IMPORT',
            'FIRST_LINE_EXPORT',
            'ISLAND_TRANSFER',
            'PROCESSING',
            'SCRAP',
            'ADJUSTMENT',
            'REVERSAL',
            'RESERVATION_POSTING',
          ].map((d) => (
            <option key={d} value={d}>
              {t(`ledger.doc.${d}` as 'ledger.doc.SCRAP')}
            </option>
          ))}
        </select>
        <input type="date" value={filter.from} onChange={set('from')} data-testid="mv-filter-from" />
        <input type="date" value={filter.to} onChange={set('to')} data-testid="mv-filter-to" />
        <button type="button" onClick={() => void exportCsv()} data-testid="mv-export">
          {t('ledger.exportCsv')}
        </button>
      </div>
      {moves.isLoading && <Spinner />}
      {moves.error && <ErrorBox error={moves.error} />}
      {moves.data && (
        <>
          <p className="small" data-testid="mv-total">
            {t('common.total', { n: moves.data.total })}
          </p>
          <table className="table small" data-testid="ledger-movements">
            <thead>
              <tr>
                <th>{t('ledger.date')}</th>
                <th>{t('ledger.itemNo')}</th>
                <th>{t('ledger.fromTo')}</th>
                <th className="num">{t('ledger.quantity')}</th>
                <th className="num">{t('ledger.importedCny')}</th>
                <th>{t('ledger.document')}</th>
              </tr>
            </thead>
            <tbody>
              {moves.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.businessDate}</td>
                  <td className="mono">{m.itemNo}</td>
                  <td>
                    {t(`ledger.account.${m.from}` as 'ledger.account.stock')} →{' '}
                    {t(`ledger.account.${m.to}` as 'ledger.account.stock')}
                  </td>
                  <td className="num">
                    {m.quantity} {m.unit}
                  </td>
                  <td className="num">{m.importedCny}</td>
                  <td>{t(`ledger.doc.${m.documentType}` as 'ledger.doc.SCRAP')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('common.prev')}
            </button>
            <button
              type="button"
              disabled={page * moves.data.pageSize >= moves.data.total}
              onClick={() => setPage(page + 1)}
            >
              {t('common.next')}
            </button>
          </div>
        </>
      )}
    </>
  );
}
