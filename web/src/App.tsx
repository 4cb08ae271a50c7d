import { Suspense, useEffect, useState } from 'react';
import { session, setUnauthorizedHandler, type SessionUser } from './api.ts';
import { useI18n } from './i18n/index.tsx';
import { navigate, useRoute } from './router.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { Spinner } from './components/Spinner.tsx';
import { PermissionsProvider } from './permissions.tsx';
import { areaOf, OFFICERS, usePageTitle } from './shell/areas.ts';
import { Frame, LangButton } from './shell/Frame.tsx';
import { CalculatorPage, SelfPage, ShopConsole } from './shell/pages.ts';
import { SignedIn } from './shell/SignedIn.tsx';

/**
 * The app's shell: the till and the person's own view, the public calculator and the login page for
 * anyone; the signed-in app (shell/SignedIn.tsx) with its areas (shell/areas.ts, shell/AreaPage.tsx)
 * and navigation (shell/navLinks.ts) for a user.
 */
export function App() {
  const { t } = useI18n();
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

  const langButton = <LangButton />;

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
