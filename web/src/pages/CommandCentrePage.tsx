import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';

const PORTS = [
  ['海口港', 'Haikou Port'],
  ['洋浦港', 'Yangpu Port'],
  ['八所港', 'Basuo Port'],
  ['三亚港', 'Sanya Port'],
  ['清澜港', 'Qinglan Port'],
  ['海口新海港', 'Haikou Xinhai Port'],
  ['海口南港', 'Haikou Nangang'],
  ['海口美兰机场', 'Haikou Meilan Airport'],
  ['三亚凤凰机场', 'Sanya Phoenix Airport'],
  ['琼海博鳌机场', 'Qionghai Boao Airport'],
] as const;

export function CommandCentrePage() {
  const { t, lang } = useI18n();
  const enterprises = useQuery({ queryKey: ['enterprise-count'], queryFn: () => api<{ total: number }>('GET', '/api/v1/enterprises?pageSize=1') });
  const classes = useQuery({ queryKey: ['credit-stats'], queryFn: () => api<{ items: { subjectKind: string; class: string; count: number }[] }>('GET', '/api/v1/credit/stats') });
  const classified = (cls: string) => classes.data?.items.filter((i) => i.subjectKind === 'ENTERPRISE' && i.class === cls).reduce((s, i) => s + i.count, 0) ?? 0;
  const total = enterprises.data?.total ?? 0;
  // Enterprises without a stored class are WHITELIST by default: nothing to apply for.
  const white = Math.max(0, total - classified('ADVANCED_CERTIFIED') - classified('FOCUS'));
  return (
    <section>
      <h1>{t('command.title')}</h1>
      <div className="cards">
        <div className="card" data-testid="card-enterprises">
          <div className="card-label">{t('command.enterprises')}</div>
          <div className="card-value">{enterprises.isLoading ? <Spinner /> : total}</div>
        </div>
        {(['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'] as const).map((c) => (
          <div className={`card class-${c}`} key={c} data-testid={`card-class-${c}`}>
            <div className="card-label">{t(`class.${c}`)}</div>
            <div className="card-value">{classes.isLoading ? <Spinner /> : c === 'WHITELIST' ? white : classified(c)}</div>
          </div>
        ))}
        <div className="card class-FOCUS" data-testid="card-individuals-focus">
          <div className="card-label">{t('credit.individualsFocus')}</div>
          <div className="card-value">{classes.isLoading ? <Spinner /> : (classes.data?.items.find((i) => i.subjectKind === 'INDIVIDUAL' && i.class === 'FOCUS')?.count ?? 0)}</div>
        </div>
      </div>
      {(enterprises.error || classes.error) && <ErrorBox error={enterprises.error ?? classes.error} onRetry={() => { void enterprises.refetch(); void classes.refetch(); }} />}
      <h2>{t('command.ports')}</h2>
      <ul className="ports">
        {PORTS.map(([zh, en]) => (
          <li key={zh}>{lang === 'zh-CN' ? zh : en}</li>
        ))}
      </ul>
    </section>
  );
}
