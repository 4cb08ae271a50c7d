import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FeatureCard } from './FeatureCard.tsx';
import { FeatureStats, FeatureVersions } from './FeatureStats.tsx';
import { FeatureEditor } from './FeatureEditor.tsx';
import { BacktestResult } from './BacktestResult.tsx';
import type { Backtest, FeatureVersion } from '../../api/wire.ts';

/** One feature: its versions, backtest, shadow mode, four-eyes approval, retirement, hit rate over time. */
export function FeatureDetail({ code }: { code: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const versions = useQuery({
    queryKey: ['risk-feature', code],
    queryFn: () => api<{ items: FeatureVersion[] }>('GET', `/api/v1/risk/features/${code}`),
  });
  const [chosen, setChosen] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  const [reason, setReason] = useState('');
  if (versions.isLoading) return <Spinner />;
  if (versions.error || !versions.data)
    return <ErrorBox error={versions.error} onRetry={() => void versions.refetch()} />;
  const items = versions.data.items;
  const v =
    items.find((x) => x.version === chosen) ??
    items.find((x) => x.status === 'DRAFT' || x.status === 'SHADOW') ??
    items[0]!;
  const me = `user:${session.user()?.username ?? ''}`;
  const mine = v.createdBy === me;
  const bt = backtest ?? v.latestBacktest;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      if (path === 'backtest')
        setBacktest(
          await api<Backtest>('POST', `/api/v1/risk/features/${code}/versions/${v.version}/backtest`, body ?? {}),
        );
      else await api('POST', `/api/v1/risk/features/${code}/versions/${v.version}/${path}`, body);
      await qc.invalidateQueries({ queryKey: ['risk-feature', code] });
      await qc.invalidateQueries({ queryKey: ['risk-features'] });
    } catch (err) {
      if (err instanceof ApiError) setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (editing) return <FeatureEditor base={v} />;
  const pending = v.status === 'DRAFT' || v.status === 'SHADOW';
  return (
    <div data-testid="risk-feature-detail">
      <p>
        <a href="#/risk/features">← {t('risk.backToLibrary')}</a>
      </p>
      <FeatureCard v={v} />
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void act('backtest')} data-testid="risk-feature-backtest">
          {t('risk.backtest')}
        </button>
        {v.status === 'DRAFT' && (
          <button type="button" disabled={busy} onClick={() => void act('shadow')} data-testid="risk-feature-shadow">
            {t('risk.shadow')}
          </button>
        )}
        {pending && (
          <button
            type="button"
            className="primary"
            disabled={busy || mine}
            title={mine ? t('risk.fourEyesHint') : ''}
            onClick={() => void act('approve')}
            data-testid="risk-feature-approve"
          >
            {t('risk.approve')}
          </button>
        )}
        <button type="button" onClick={() => setEditing(true)} data-testid="risk-feature-edit">
          {t('risk.newVersion')}
        </button>
        {v.status !== 'RETIRED' && (
          <span className="retire">
            <input
              placeholder={t('risk.retireReason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="risk-feature-retire-reason"
            />
            <button
              type="button"
              disabled={busy || reason.trim().length < 5}
              onClick={() => void act('retire', { reason })}
              data-testid="risk-feature-retire"
            >
              {t('risk.retire')}
            </button>
          </span>
        )}
      </div>
      {mine && pending && <p className="small">{t('risk.fourEyesHint')}</p>}
      {problem && (
        <div data-testid="risk-feature-problem">
          <ErrorBox error={problem} />
        </div>
      )}
      {bt ? <BacktestResult backtest={bt} /> : pending && <p className="small">{t('risk.backtestFirst')}</p>}
      <FeatureStats code={code} />
      <FeatureVersions
        items={items}
        shown={v.version}
        onChoose={(version) => {
          setChosen(version);
          setBacktest(null);
        }}
      />
    </div>
  );
}
