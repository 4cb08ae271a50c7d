import { useEffect, useState } from 'react';
import { session, setUnauthorizedHandler, type SessionUser } from './api.ts';
import { useI18n } from './i18n/index.tsx';
import { navigate, useRoute } from './router.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { CommandCentrePage } from './pages/CommandCentrePage.tsx';
import { WorkbenchPage } from './pages/WorkbenchPage.tsx';
import { PortalPage } from './pages/PortalPage.tsx';
import { CalculatorPage } from './pages/CalculatorPage.tsx';
import { RiskPage } from './pages/risk/RiskPage.tsx';
import { DeclarationsPage } from './pages/declarations/DeclarationsPage.tsx';
import { LedgerPage } from './pages/ledger/LedgerPage.tsx';
import { GatePage } from './pages/gate/GatePage.tsx';

const OFFICERS = ['admin', 'risk_analyst', 'inspector', 'auditor', 'command_viewer'];

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

  const langButton = (
    <button type="button" className="link-button" data-testid="lang-switch" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
      {t('lang.switch')}
    </button>
  );

  if (route === '/calculator' && !user) {
    return (
      <Frame header={<>{langButton}<a href="#/">{t('login.title')}</a></>}>
        <CalculatorPage />
      </Frame>
    );
  }
  if (!user) {
    return (
      <Frame header={langButton}>
        <LoginPage onLogin={setUser} />
      </Frame>
    );
  }

  const links = [
    ...(isOfficer ? [{ to: '/command', key: 'nav.command' as const, id: 'nav-command' }, { to: '/workbench', key: 'nav.workbench' as const, id: 'nav-workbench' }, { to: '/risk', key: 'risk.nav' as const, id: 'nav-risk' }, { to: '/gate', key: 'gate.nav' as const, id: 'nav-gate' }, { to: '/inspection', key: 'inspection.nav' as const, id: 'nav-inspection' }] : []),
    ...(!isOfficer || user.role === 'admin' ? [{ to: '/portal', key: 'nav.portal' as const, id: 'nav-portal' }] : []),
    ...(!isOfficer || ['admin', 'auditor', 'inspector', 'command_viewer', 'risk_analyst'].includes(user.role) ? [{ to: '/ledger', key: 'ledger.nav' as const, id: 'nav-ledger' }] : []),
    { to: '/declarations', key: 'nav.declarations' as const, id: 'nav-declarations' },
    { to: '/calculator', key: 'nav.calculator' as const, id: 'nav-calculator' },
  ];
  const page = route.startsWith('/declarations') ? <DeclarationsPage route={route} /> : (route.startsWith('/gate') || route.startsWith('/inspection')) && isOfficer ? <GatePage route={route} /> : route.startsWith('/ledger') ? <LedgerPage route={route} user={user} /> : route.startsWith('/risk') && isOfficer ? <RiskPage route={route} /> : route.startsWith('/workbench') && isOfficer ? <WorkbenchPage /> : route.startsWith('/command') && isOfficer ? <CommandCentrePage /> : route.startsWith('/calculator') ? <CalculatorPage /> : <PortalPage user={user} />;

  return (
    <Frame
      header={
        <>
          <nav className="nav">
            {links.map((l) => (
              <a key={l.to} href={`#${l.to}`} data-testid={l.id} className={route.startsWith(l.to) ? 'active' : ''}>
                {t(l.key)}
              </a>
            ))}
          </nav>
          <span className="who" data-testid="who">{user.displayName}</span>
          {langButton}
          <button
            type="button"
            className="link-button"
            data-testid="logout"
            onClick={() => {
              session.clear();
              setUser(null);
              navigate('/');
            }}
          >
            {t('nav.logout')}
          </button>
        </>
      }
    >
      {page}
    </Frame>
  );
}

function Frame({ header, children }: { header: React.ReactNode; children: React.ReactNode }) {
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
      <main className="content">{children}</main>
    </div>
  );
}
