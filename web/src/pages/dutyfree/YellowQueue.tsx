import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useCan } from '../../permissions.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Parts } from './parts.tsx';
import { ProposeForm } from './ProposeForm.tsx';
import type { YellowEntry } from '../../api/wire.ts';

/** The yellow list (黄名单): open entries, heaviest first; select some and propose a case. */
export function YellowQueue() {
  const dt = useDt();
  const can = useCan();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const q = useQuery({
    queryKey: ['df-yellow', page],
    queryFn: () =>
      api<{ total: number; items: YellowEntry[] }>(
        'GET',
        `/api/v1/dutyfree/yellow-list?status=OPEN&page=${page}&pageSize=50`,
      ),
  });
  const toggle = (id: string) =>
    setSelected(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const items = q.data!.items;
  return (
    <section data-testid="df-yellow">
      {items.length === 0 && <p className="muted">{dt('df.yellow.none')}</p>}
      {items.length > 0 && (
        <table className="table" data-testid="df-yellow-table">
          <thead>
            <tr>
              <th />
              <th>{dt('df.col.buyer')}</th>
              <th className="num">{dt('df.col.score')}</th>
              <th>{dt('df.col.ring')}</th>
              <th>{dt('df.col.facts')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e, i) => (
              <tr key={e.entryId} data-testid={`df-yellow-${i}`}>
                <td>
                  <input
                    type="checkbox"
                    checked={selected.includes(e.entryId)}
                    onChange={() => toggle(e.entryId)}
                    aria-label={e.buyer.name}
                  />
                </td>
                <td>
                  <a href={`#/dutyfree/buyers/${e.buyer.buyerId}`}>{e.buyer.name}</a>{' '}
                  <span className="mono small">{e.buyer.idNumber}</span>
                </td>
                <td className="num">{Math.max(e.score, e.ringScore ?? 0)}</td>
                <td>
                  {e.ringId ? (
                    <a href={`#/dutyfree/rings/${e.ringId}`} data-testid={`df-yellow-ring-${i}`}>
                      {dt('df.yellow.ringOf', { n: e.ringSize ?? 0, score: e.ringScore ?? 0 })}
                    </a>
                  ) : (
                    dt('df.yellow.alone')
                  )}
                </td>
                <td>
                  <Parts parts={e.parts} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {q.data!.total > 50 && (
        <div className="pager">
          <button type="button" disabled={page === 1} onClick={() => setPage(page - 1)}>
            ‹
          </button>
          <span>{page}</span>
          <button type="button" disabled={page * 50 >= q.data!.total} onClick={() => setPage(page + 1)}>
            ›
          </button>
        </div>
      )}
      {can('POST', '/api/v1/dutyfree/cases') && selected.length > 0 && (
        <ProposeForm entryIds={selected} ringId={null} onDone={() => setSelected([])} />
      )}
    </section>
  );
}
