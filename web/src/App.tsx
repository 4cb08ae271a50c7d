import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { session, setUnauthorizedHandler, type SessionUser } from './api.ts';
import { useI18n } from './i18n/index.tsx';
import type { MessageKey } from './i18n/zh-CN.ts';
import { navigate, useRoute } from './router.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { Spinner } from './components/Spinner.tsx';
import { PermissionsProvider, useCan } from './permissions.tsx';

// One chunk per area, fetched when first opened: the login page loads none of them.
const CommandCentrePage = lazy(() =>
  import('./pages/command/CommandCentrePage.tsx').then((m) => ({ default: m.CommandCentrePage })),
);
const WorkbenchPage = lazy(() => import('./pages/WorkbenchPage.tsx').then((m) => ({ default: m.WorkbenchPage })));
const PortalPage = lazy(() => import('./pages/PortalPage.tsx').then((m) => ({ default: m.PortalPage })));
const CalculatorPage = lazy(() => import('./pages/CalculatorPage.tsx').then((m) => ({ default: m.CalculatorPage })));
const DutyfreePage = lazy(() => import('./pages/dutyfree/DutyfreePage.tsx').then((m) => ({ default: m.DutyfreePage })));
const ShopConsole = lazy(() => import('./pages/dutyfree/ShopConsole.tsx').then((m) => ({ default: m.ShopConsole })));
const SelfPage = lazy(() => import('./pages/dutyfree/SelfPage.tsx').then((m) => ({ default: m.SelfPage })));
const RiskPage = lazy(() => import('./pages/risk/RiskPage.tsx').then((m) => ({ default: m.RiskPage })));
const DeclarationsPage = lazy(() =>
  import('./pages/declarations/DeclarationsPage.tsx').then((m) => ({ default: m.DeclarationsPage })),
);
const LedgerPage = lazy(() => import('./pages/ledger/LedgerPage.tsx').then((m) => ({ default: m.LedgerPage })));
const GatePage = lazy(() => import('./pages/gate/GatePage.tsx').then((m) => ({ default: m.GatePage })));
const AuditPage = lazy(() => import('./pages/audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const AdminPage = lazy(() => import('./pages/admin/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));
const FirstLinePage = lazy(() =>
  import('./pages/firstline/FirstLinePage.tsx').then((m) => ({ default: m.FirstLinePage })),
);
const ValueAddedReviewsPage = lazy(() =>
  import('./pages/valueadded/ValueAddedReviewsPage.tsx').then((m) => ({ default: m.ValueAddedReviewsPage })),
);

const OFFICERS = ['admin', 'risk_analyst', 'inspector', 'auditor', 'command_viewer'];

/** Each area's tab title; `null`: a route no area answers (the 404 page). */
const TITLES: [prefix: string, key: MessageKey][] = [
  ['/command', 'nav.command'],
  ['/workbench', 'nav.workbench'],
  ['/portal', 'nav.portal'],
  ['/calculator', 'nav.calculator'],
  ['/risk', 'risk.nav'],
  ['/declarations', 'nav.declarations'],
  ['/ledger', 'ledger.nav'],
  ['/gate', 'gate.nav'],
  ['/inspection', 'inspection.nav'],
  ['/dutyfree', 'dutyfree.nav'],
  ['/shop', 'dutyfree.shop'],
  ['/self', 'dutyfree.self'],
  ['/audit', 'nav.audit'],
  ['/admin', 'nav.admin'],
  ['/value-added', 'valueAdded.nav'],
  ['/firstline', 'fl.nav'],
];
const areaOf = (route: string) =>
  TITLES.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`) || route.startsWith(`${prefix}?`));

function usePageTitle(key: MessageKey | null) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${key ? t(key) : t('notFound.title')} · ${t('app.short')}`;
  }, [key, t]);
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const [user, setUser] = useState<SessionUser | null>(session.user());
  const route = useRoute();
  useEffect(() => setUnauthorizedHandler(() => setUser(null)), []);

  const isOfficer = user !== null && OFFICERS.includes(user.role);
  const home = isOfficer ? '/command' : '/portal';
  useEffect(() => {
    if (user && (route === '/' || route === '/login')) navigate(home);
  }, [user, route, home]);
  const area = areaOf(route);
  usePageTitle(route === '/' || route === '/login' ? 'login.title' : (area?.[1] ?? null));

  const langButton = (
    <button
      type="button"
      className="link-button"
      data-testid="lang-switch"
      lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
      onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.switch')}
    </button>
  );

  // The till and the person's own view have their own proof (a shop key; an ID with a receipt code).
  if (route === '/shop' || route === '/self') {
    return (
      <Frame
        header={
          <>
            {langButton}
            <a href="#/">{t('login.title')}</a>
          </>
        }
      >
        <Suspense fallback={<Spinner />}>{route === '/shop' ? <ShopConsole /> : <SelfPage />}</Suspense>
      </Frame>
    );
  }
  if (route === '/calculator' && !user) {
    return (
      <Frame
        header={
          <>
            {langButton}
            <a href="#/">{t('login.title')}</a>
          </>
        }
      >
        <Suspense fallback={<Spinner />}>
          <CalculatorPage />
        </Suspense>
      </Frame>
    );
  }
  if (!user) {
    return (
      <Frame
        header={
          <>
            {langButton}
            <a href="#/shop" data-testid="link-shop">
              {t('dutyfree.shop')}
            </a>
            <a href="#/self" data-testid="link-self">
              {t('dutyfree.self')}
            </a>
          </>
        }
      >
        <LoginPage onLogin={setUser} />
      </Frame>
    );
  }
  return (
    <PermissionsProvider user={user}>
      <SignedIn
        user={user}
        route={route}
        isOfficer={isOfficer}
        langButton={langButton}
        onLogout={() => setUser(null)}
      />
    </PermissionsProvider>
  );
}

function SignedIn({
  user,
  route,
  isOfficer,
  langButton,
  onLogout,
}: {
  user: SessionUser;
  route: string;
  isOfficer: boolean;
  langButton: ReactNode;
  onLogout: () => void;
}) {
  const { t } = useI18n();
  const can = useCan();
  const links = [
    ...(isOfficer
      ? [
          { to: '/command', key: 'nav.command' as const, id: 'nav-command' },
          { to: '/workbench', key: 'nav.workbench' as const, id: 'nav-workbench' },
          { to: '/risk', key: 'risk.nav' as const, id: 'nav-risk' },
          { to: '/gate', key: 'gate.nav' as const, id: 'nav-gate' },
          { to: '/inspection', key: 'inspection.nav' as const, id: 'nav-inspection' },
          { to: '/dutyfree', key: 'dutyfree.nav' as const, id: 'nav-dutyfree' },
        ]
      : []),
    ...(!isOfficer || user.role === 'admin' ? [{ to: '/portal', key: 'nav.portal' as const, id: 'nav-portal' }] : []),
    ...(can('GET', '/api/v1/ledger/books') ? [{ to: '/ledger', key: 'ledger.nav' as const, id: 'nav-ledger' }] : []),
    ...(can('GET', '/api/v1/audit/anchors/:seq') && isOfficer
      ? [{ to: '/audit', key: 'nav.audit' as const, id: 'nav-audit' }]
      : []),
    ...(can('GET', '/api/v1/users') ? [{ to: '/admin', key: 'nav.admin' as const, id: 'nav-admin' }] : []),
    ...(can('GET', '/api/v1/value-added/reviews') && isOfficer
      ? [{ to: '/value-added', key: 'valueAdded.nav' as const, id: 'nav-value-added' }]
      : []),
    ...(can('GET', '/api/v1/firstline/declarations')
      ? [{ to: '/firstline', key: 'fl.nav' as const, id: 'nav-firstline' }]
      : []),
    { to: '/declarations', key: 'nav.declarations' as const, id: 'nav-declarations' },
    { to: '/calculator', key: 'nav.calculator' as const, id: 'nav-calculator' },
  ];
  const area = areaOf(route)?.[0];
  const officerOnly = [
    '/command',
    '/workbench',
    '/risk',
    '/gate',
    '/inspection',
    '/dutyfree',
    '/audit',
    '/admin',
    '/value-added',
  ];
  const page =
    route === '/' || route === '/login' ? (
      <Spinner />
    ) : !area || (officerOnly.includes(area) && !isOfficer) ? (
      <NotFoundPage />
    ) : area === '/firstline' ? (
      <FirstLinePage route={route} />
    ) : area === '/declarations' ? (
      <DeclarationsPage route={route} />
    ) : area === '/gate' || area === '/inspection' ? (
      <GatePage route={route} />
    ) : area === '/ledger' ? (
      <LedgerPage route={route} user={user} />
    ) : area === '/risk' ? (
      <RiskPage route={route} />
    ) : area === '/workbench' ? (
      <WorkbenchPage />
    ) : area === '/command' ? (
      <CommandCentrePage />
    ) : area === '/audit' ? (
      <AuditPage route={route} />
    ) : area === '/admin' ? (
      <AdminPage route={route} />
    ) : area === '/dutyfree' ? (
      <DutyfreePage route={route} />
    ) : area === '/calculator' ? (
      <CalculatorPage />
    ) : area === '/value-added' ? (
      <ValueAddedReviewsPage />
    ) : (
      <PortalPage user={user} />
    );

  return (
    <Frame
      wide={area === '/command'}
      header={
        <>
          <nav className="nav" aria-label={t('nav.main')}>
            {links.map((l) => (
              <a
                key={l.to}
                href={`#${l.to}`}
                data-testid={l.id}
                className={route.startsWith(l.to) ? 'active' : ''}
                aria-current={route.startsWith(l.to) ? 'page' : undefined}
              >
                {t(l.key)}
              </a>
            ))}
          </nav>
          <span className="who" data-testid="who">
            {user.displayName}
          </span>
          {langButton}
          <button
            type="button"
            className="link-button"
            data-testid="logout"
            onClick={() => {
              session.clear();
              onLogout();
              navigate('/');
            }}
          >
            {t('nav.logout')}
          </button>
        </>
      }
    >
      <Suspense fallback={<Spinner />}>{page}</Suspense>
    </Frame>
  );
}

function Frame({ header, children, wide }: { header: ReactNode; children: ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <strong data-testid="app-name">{t('app.name')}</strong>
          <span className="tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar-right">{header}</div>
      </header>
      <main className={wide ? 'content wide' : 'content'}>{children}</main>
    </div>
  );
}
