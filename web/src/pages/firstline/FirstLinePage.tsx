/**
 * 一线进出境申报: the trader files first-line imports and exports and follows them and their bills;
 * officers see every enterprise's, with the risk verdict, and decide the held ones. The tab is in the
 * URL (`#/firstline?tab=bills`), a declaration at `#/firstline/<id>`, a bill at `#/firstline/bills/<id>`.
 */
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { routeParams, routePath, withParams } from '../../urlState.ts';
import { FirstLineBillView, FirstLineBills } from './FirstLineBills.tsx';
import { FirstLineDetail } from './FirstLineDetail.tsx';
import { FirstLineForm } from './FirstLineForm.tsx';
import { FirstLineList } from './FirstLineList.tsx';

type Tab = 'list' | 'new' | 'bills';
const UUID = '([0-9a-f-]{36})';

export function FirstLinePage({ route }: { route: string }) {
  const { t } = useI18n();
  const can = useCan();
  const path = routePath(route);
  const bill = new RegExp(`^/firstline/bills/${UUID}$`).exec(path)?.[1];
  if (bill) return <FirstLineBillView id={bill} />;
  const id = new RegExp(`^/firstline/${UUID}$`).exec(path)?.[1];
  if (id) return <FirstLineDetail id={id} />;
  // The filing tab follows what the server lets this role file, not a copied list of roles.
  const tabs: readonly Tab[] = can('POST', '/api/v1/firstline/declarations')
    ? ['list', 'new', 'bills']
    : ['list', 'bills'];
  const tab = tabs.find((k) => k === routeParams(route).get('tab')) ?? 'list';
  return (
    <section data-testid="firstline-page">
      <h1>{t('fl.title')}</h1>
      <nav className="tabs" aria-label={t('fl.title')}>
        {tabs.map((k) => (
          <a
            key={k}
            href={`#${k === 'list' ? '/firstline' : withParams('/firstline', { tab: k })}`}
            className={tab === k ? 'active' : ''}
            aria-current={tab === k ? 'page' : undefined}
            data-testid={`fl-tab-${k}`}
          >
            {t(`fl.tab.${k}`)}
          </a>
        ))}
      </nav>
      {tab === 'list' && <FirstLineList route={route} />}
      {tab === 'new' && <FirstLineForm />}
      {tab === 'bills' && <FirstLineBills />}
    </section>
  );
}
