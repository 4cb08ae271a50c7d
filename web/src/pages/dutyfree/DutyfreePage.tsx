/**
 * The officers' duty-free area (离岛免税监管): today's sales by shop and category, the yellow-list
 * queue, cases for a second officer, reviews of sales, a ring's graph, a buyer, a code look-up.
 */
import { useDt, type DfKey } from '../../i18n/dutyfree.ts';
import './dutyfree.css';
import { SalesToday } from './SalesToday.tsx';
import { YellowQueue } from './YellowQueue.tsx';
import { Cases } from './Cases.tsx';
import { RingView } from './RingView.tsx';
import { BuyerView } from './BuyerView.tsx';
import { CodeLookup } from './CodeLookup.tsx';
import { SaleReviews } from './SaleReviews.tsx';

const TABS: [path: string, key: DfKey][] = [
  ['/dutyfree', 'df.tab.sales'],
  ['/dutyfree/yellow', 'df.tab.yellow'],
  ['/dutyfree/cases', 'df.tab.cases'],
  ['/dutyfree/reviews', 'df.tab.reviews'],
  ['/dutyfree/buyers', 'df.tab.buyer'],
  ['/dutyfree/codes', 'df.tab.code'],
];

export function DutyfreePage({ route }: { route: string }) {
  const dt = useDt();
  const path = route.split('?')[0]!;
  const [, , section, id] = path.split('/');
  const active = section ? `/dutyfree/${section === 'rings' ? 'yellow' : section}` : '/dutyfree';
  return (
    <div data-testid="dutyfree-page">
      <h1>{dt('df.title')}</h1>
      <nav className="tabs" aria-label={dt('df.title')}>
        {TABS.map(([to, key]) => (
          <a
            key={to}
            href={`#${to}`}
            className={active === to ? 'active' : ''}
            data-testid={`df-tab-${to.split('/')[2] ?? 'sales'}`}
          >
            {dt(key)}
          </a>
        ))}
      </nav>
      {section === 'yellow' ? (
        <YellowQueue />
      ) : section === 'cases' ? (
        <Cases />
      ) : section === 'reviews' ? (
        <SaleReviews />
      ) : section === 'rings' && id ? (
        <RingView ringId={id} />
      ) : section === 'buyers' ? (
        <BuyerView buyerId={id ?? null} />
      ) : section === 'codes' ? (
        <CodeLookup />
      ) : (
        <SalesToday />
      )}
    </div>
  );
}
