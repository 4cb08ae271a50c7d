import { Suspense, type ReactNode } from 'react';
import { session, type SessionUser } from '../api.ts';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/index.tsx';
import { navigate } from '../router.ts';
import { AreaPage } from './AreaPage.tsx';
import { areaOf } from './areas.ts';
import { Frame } from './Frame.tsx';
import { useNavLinks } from './navLinks.ts';

/** The signed-in app: the main navigation, who is signed in, the language and log-out, the area's page. */
export function SignedIn({
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
  const links = useNavLinks(user, isOfficer);
  const area = areaOf(route)?.[0];

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
      <Suspense fallback={<Spinner />}>
        <AreaPage route={route} area={area} user={user} isOfficer={isOfficer} />
      </Suspense>
    </Frame>
  );
}
