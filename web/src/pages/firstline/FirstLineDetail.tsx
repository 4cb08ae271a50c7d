import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { FirstLine, FirstLineDirection } from '../../api/firstline.ts';
import { portLabel } from '../../api/ports.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { FirstLineDecide } from './FirstLineDecide.tsx';
import { FirstLineGoods, FirstLineTaxes } from './FirstLineGoods.tsx';
import { RiskCard } from './RiskCard.tsx';
import { FlStateBadge } from './parts.tsx';

/**
 * A first-line declaration: state, port and parties, the goods as judged (regime, licence, rate), the
 * taxes and their bill; for officers the risk verdict and, while held, the decision. A trader's answer
 * carries no verdict and a neutral reason, and this page has no place for either.
 */
export function FirstLineDetail({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const can = useCan();
  const d = useQuery({
    queryKey: ['firstline', 'one', id],
    queryFn: () => api<FirstLine>('GET', `/api/v1/firstline/declarations/${id}`),
  });
  if (d.isLoading) return <Spinner />;
  if (d.error) return <ErrorBox error={d.error} onRetry={() => void d.refetch()} />;
  const x = d.data!;
  const officer = x.risk !== undefined;
  return (
    <section data-testid="fl-detail">
      <p>
        <a href="#/firstline">← {t('fl.detail.back')}</a>
      </p>
      <h1>
        {t(`fl.dir.${x.direction as FirstLineDirection}`)} <span className="small mono">{x.id}</span>
      </h1>
      <div className="decision-head">
        <FlStateBadge state={x.state} />
        {officer && (
          <span data-testid="fl-reason" data-raw>
            {x.stateReason}
          </span>
        )}
      </div>
      <div className="cards">
        <div className="card">
          <div className="card-label">{t('fl.detail.enterprise')}</div>
          <div className="card-title mono">{x.uscc}</div>
        </div>
        <div className="card">
          <div className="card-label">{t('fl.detail.port')}</div>
          <div className="card-title">{portLabel(x.port, lang)}</div>
        </div>
        <div className="card">
          <div className="card-label">{t('fl.detail.date')}</div>
          <div className="card-title">{formatDate(x.declarationDate, lang)}</div>
        </div>
        {x.directRelease && (
          <div className="card">
            <div className="card-label">{t('fl.detail.directRelease')}</div>
            <div className="card-title">{t('common.yes')}</div>
          </div>
        )}
        {/* Officers only: the API gives a trader no verdict, and the page shows none. */}
        {officer && <RiskCard risk={x.risk ?? null} />}
      </div>
      <FirstLineGoods x={x} />
      <FirstLineTaxes x={x} />
      {officer && x.state === 'HELD' && can('POST', '/api/v1/firstline/declarations/:id/decide') && (
        <FirstLineDecide id={x.id} />
      )}
    </section>
  );
}
