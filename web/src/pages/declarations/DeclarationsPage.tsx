import { session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { routeParams, withParams } from '../../urlState.ts';
import { DeclarationDetail } from './DeclarationDetail.tsx';
import { DeclarationList } from './DeclarationList.tsx';
import { ExitForm } from './ExitForm.tsx';
import { MonthPanel } from './MonthPanel.tsx';
import { TaxBills } from './TaxBills.tsx';

type Tab = 'list' | 'new' | 'batch' | 'month' | 'bills';

/**
 * 二线出岛: the enterprise portal (declare an exit or a batch, state and reasons, the month's
 * batches and the centralized declaration to file, tax bills) and, for officers, the list to work
 * (HELD first) leading to a declaration's detail. The tab is in the URL (`?tab=bills`).
 */
export function DeclarationsPage({ route }: { route: string }) {
  const { t } = useI18n();
  const user = session.user();
  const can = useCan();
  const enterprise = user?.role === 'enterprise_user';
  // The filing tabs follow what the server lets this role file, not a copied list of roles.
  const files = can('POST', '/api/v1/declarations/exits');
  const id = /^\/declarations\/([0-9a-f-]{36})/.exec(route)?.[1];
  if (id) return <DeclarationDetail id={id} />;
  const tabs: readonly Tab[] = files && enterprise ? ['list', 'new', 'batch', 'month', 'bills'] : ['list', 'bills'];
  const asked = routeParams(route).get('tab');
  const tab = tabs.find((k) => k === asked) ?? 'list';
  return (
    <section>
      <h1>{t('decl.title')}</h1>
      <nav className="tabs" aria-label={t('decl.title')}>
        {tabs.map((k) => (
          <a
            key={k}
            href={`#${k === 'list' ? '/declarations' : withParams('/declarations', { tab: k })}`}
            className={tab === k ? 'active' : ''}
            aria-current={tab === k ? 'page' : undefined}
            data-testid={`decl-tab-${k}`}
          >
            {t(`decl.tab.${k}`)}
          </a>
        ))}
      </nav>
      {tab === 'list' && <DeclarationList route={route} officer={!enterprise} />}
      {tab === 'new' && <ExitForm kind="SECOND_LINE_EXIT" />}
      {tab === 'batch' && <ExitForm kind="BATCH_EXIT" />}
      {tab === 'month' && <MonthPanel />}
      {tab === 'bills' && <TaxBills />}
    </section>
  );
}
