import { useOt, type OtKey } from '../../i18n/officer.ts';
import { routePath } from '../../urlState.ts';
import { ClientsTab } from './ClientsTab.tsx';
import { ParametersTab } from './ParametersTab.tsx';
import { UsersTab } from './UsersTab.tsx';

const TABS: { path: string; key: OtKey }[] = [
  { path: '/admin/users', key: 'admin.users' },
  { path: '/admin/clients', key: 'admin.clients' },
  { path: '/admin/parameters', key: 'admin.parameters' },
];

/** The administrator's screens: users, machine clients and policy parameters, one tab each in the URL. */
export function AdminPage({ route }: { route: string }) {
  const ot = useOt();
  const path = routePath(route);
  const tab = TABS.find((x) => path.startsWith(x.path)) ?? TABS[0]!;
  return (
    <section className="page" data-testid="admin-page">
      <h1>{ot('admin.title')}</h1>
      <nav className="tabs" aria-label={ot('admin.tabs')}>
        {TABS.map((x) => (
          <a
            key={x.path}
            href={`#${x.path}`}
            className={x === tab ? 'active' : ''}
            aria-current={x === tab ? 'page' : undefined}
            data-testid={`admin-tab-${x.path.slice('/admin/'.length)}`}
          >
            {ot(x.key)}
          </a>
        ))}
      </nav>
      {tab.path === '/admin/users' ? (
        <UsersTab />
      ) : tab.path === '/admin/clients' ? (
        <ClientsTab />
      ) : (
        <ParametersTab route={route} />
      )}
    </section>
  );
}
