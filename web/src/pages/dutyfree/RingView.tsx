import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt, useDtCode } from '../../i18n/dutyfree.ts';
import { useCan } from '../../permissions.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Chart } from './charts.tsx';
import { FactsLine, Parts } from './parts.tsx';
import { ProposeForm } from './ProposeForm.tsx';
import type { Ring } from '../../api/wire.ts';

const KINDS = ['PAYER', 'ACCOUNT', 'PHONE', 'ADDRESS', 'DEVICE'] as const;

/** A ring: its score and why, the graph of buyers and what they share, its members. */
export function RingView({ ringId }: { ringId: string }) {
  const dt = useDt();
  const code = useDtCode();
  const can = useCan();
  const q = useQuery({
    queryKey: ['df-ring', ringId],
    queryFn: () => api<Ring>('GET', `/api/v1/dutyfree/rings/${ringId}`),
  });
  const option = useMemo(
    () => (q.data ? graphOf(q.data, (k) => code('df.link', k), dt('df.col.buyer')) : {}),
    [q.data, code, dt],
  );
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const ring = q.data!;
  const open = ring.members.filter((m) => m.entryStatus === 'OPEN' && m.entryId).map((m) => m.entryId!);
  return (
    <section data-testid="df-ring">
      <div className="cards">
        <div className="card">
          <div className="card-label">{dt('df.ring.score')}</div>
          <div className="card-value" data-testid="df-ring-score">
            {ring.score}
          </div>
          <div className="muted small">{dt('df.ring.window', { from: ring.window.from, to: ring.window.to })}</div>
        </div>
        <div className="card">
          <Parts parts={ring.parts} testId="df-ring-parts" />
        </div>
      </div>
      <div className="df-graph">
        <Chart option={option} height={460} label={dt('df.ring.graph')} testId="df-ring-graph" />
      </div>
      <h2>{dt('df.ring.links')}</h2>
      <ul data-testid="df-ring-links">
        {ring.links.map((l) => (
          <li key={`${l.kind}-${l.id}`}>
            {code('df.link', l.kind)} <span className="mono">{l.label ?? `#${l.id}`}</span> ·{' '}
            {dt('df.ring.sharedBy', { n: l.buyers.length })}
          </li>
        ))}
      </ul>
      <h2>{dt('df.ring.members')}</h2>
      <table className="table" data-testid="df-ring-members">
        <thead>
          <tr>
            <th>{dt('df.col.buyer')}</th>
            <th className="num">{dt('df.col.score')}</th>
            <th>{dt('df.col.facts')}</th>
            <th>{dt('df.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {ring.members.map((m) => (
            <tr key={m.buyer.buyerId}>
              <td>
                <a href={`#/dutyfree/buyers/${m.buyer.buyerId}`}>{m.buyer.name}</a>{' '}
                <span className="mono small">{m.buyer.idNumber}</span>
              </td>
              <td className="num">{m.score}</td>
              <td>
                <Parts parts={m.parts} /> <FactsLine facts={m.facts} />
              </td>
              <td>{m.entryStatus ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open.length > 0 && can('POST', '/api/v1/dutyfree/cases') && (
        <>
          <h2>{dt('df.ring.propose')}</h2>
          <ProposeForm entryIds={open} ringId={ring.ringId} />
        </>
      )}
    </section>
  );
}

/** The ECharts graph: buyers as circles sized by score, shared identifiers as diamonds, one edge per use. */
function graphOf(ring: Ring, kindName: (k: string) => string, buyerWord: string) {
  const categories = [{ name: buyerWord }, ...KINDS.map((k) => ({ name: kindName(k) }))];
  const nodes = [
    ...ring.members.map((m) => ({
      id: m.buyer.buyerId,
      name: `${m.buyer.name} ${m.score}`,
      category: 0,
      symbolSize: 24 + m.score / 3,
      value: m.score,
    })),
    ...ring.links.map((l) => ({
      id: `${l.kind}:${l.id}`,
      name: `${kindName(l.kind)} ${l.label ?? `#${l.id}`}`,
      category: 1 + KINDS.indexOf(l.kind as (typeof KINDS)[number]),
      symbol: 'diamond',
      symbolSize: 14 + 4 * l.buyers.length,
    })),
  ];
  const links = ring.links.flatMap((l) => l.buyers.map((b) => ({ source: `${l.kind}:${l.id}`, target: b })));
  return {
    tooltip: {},
    legend: { data: categories.map((c) => c.name), top: 0 },
    aria: { enabled: true },
    series: [
      {
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        categories,
        data: nodes,
        links,
        label: { show: true, position: 'right', fontSize: 11 },
        // Room between the nodes: a ring of twenty should not be a knot.
        force: { repulsion: 700, edgeLength: [90, 160], gravity: 0.08 },
        lineStyle: { color: 'source', opacity: 0.7 },
      },
    ],
  };
}
