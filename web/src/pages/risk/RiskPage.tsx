import type { ReactNode } from 'react';
import { useT } from '../../i18n/index.tsx';
import { AlertQueue } from './AlertQueue.tsx';
import { DecisionView } from './DecisionView.tsx';
import { FeatureLibrary } from './FeatureLibrary.tsx';
import { FeatureDetail } from './FeatureDetail.tsx';
import { FeatureEditor } from './FeatureEditor.tsx';
import { ModelsPage } from './ModelsPage.tsx';
import { useCan } from '../../permissions.tsx';

/** Risk management (风险管理): #/risk, #/risk/decision/<id>, #/risk/features[/<code>|/new], #/risk/models. */
export function RiskPage({ route }: { route: string }) {
  const t = useT();
  const can = useCan();
  const rules = can('GET', '/api/v1/risk/features');
  const parts = route.split('/').filter(Boolean);
  const tab = parts[1] ?? 'alerts';
  const links = [
    {
      to: '/risk',
      key: 'risk.tab.alerts' as const,
      active: tab === 'alerts' || tab === 'decision',
      id: 'risk-tab-alerts',
    },
    ...(rules
      ? [
          {
            to: '/risk/features',
            key: 'risk.tab.features' as const,
            active: tab === 'features',
            id: 'risk-tab-features',
          },
          { to: '/risk/models', key: 'risk.tab.models' as const, active: tab === 'models', id: 'risk-tab-models' },
        ]
      : []),
  ];
  let body: ReactNode;
  if (tab === 'decision' && parts[2]) body = <DecisionView id={parts[2]} canReplay={rules} />;
  else if (tab === 'features' && rules && parts[2] === 'new') body = <FeatureEditor />;
  else if (tab === 'features' && rules && parts[2]) body = <FeatureDetail code={decodeURIComponent(parts[2])} />;
  else if (tab === 'features' && rules) body = <FeatureLibrary />;
  else if (tab === 'models' && rules) body = <ModelsPage />;
  else body = <AlertQueue />;
  return (
    <section>
      <h1>{t('risk.title')}</h1>
      <nav className="tabs">
        {links.map((l) => (
          <a key={l.to} href={`#${l.to}`} className={l.active ? 'active' : ''} data-testid={l.id}>
            {t(l.key)}
          </a>
        ))}
      </nav>
      {body}
    </section>
  );
}
