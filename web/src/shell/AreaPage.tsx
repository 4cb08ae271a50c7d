/** The signed-in page of an area (the 404 page where the area is unknown or closed to this role). */
import type { SessionUser } from '../api.ts';
import { Spinner } from '../components/Spinner.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { OFFICER_ONLY } from './areas.ts';
import {
  AdminPage,
  AuditPage,
  CalculatorPage,
  CommandCentrePage,
  DeclarationsPage,
  DutyfreePage,
  FirstLinePage,
  GatePage,
  LedgerPage,
  PortalPage,
  RiskPage,
  ValueAddedReviewsPage,
  WorkbenchPage,
} from './pages.ts';

export function AreaPage({
  route,
  area,
  user,
  isOfficer,
}: {
  route: string;
  area: string | undefined;
  user: SessionUser;
  isOfficer: boolean;
}) {
  return route === '/' || route === '/login' ? (
    <Spinner />
  ) : !area || (OFFICER_ONLY.includes(area) && !isOfficer) ? (
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
}
