/** The areas' pages, one chunk each, fetched when first opened: the login page loads none of them. */
import { lazy } from 'react';

export const CommandCentrePage = lazy(() =>
  import('../pages/command/CommandCentrePage.tsx').then((m) => ({ default: m.CommandCentrePage })),
);
export const WorkbenchPage = lazy(() =>
  import('../pages/WorkbenchPage.tsx').then((m) => ({ default: m.WorkbenchPage })),
);
export const PortalPage = lazy(() => import('../pages/PortalPage.tsx').then((m) => ({ default: m.PortalPage })));
export const CalculatorPage = lazy(() =>
  import('../pages/CalculatorPage.tsx').then((m) => ({ default: m.CalculatorPage })),
);
export const DutyfreePage = lazy(() =>
  import('../pages/dutyfree/DutyfreePage.tsx').then((m) => ({ default: m.DutyfreePage })),
);
export const ShopConsole = lazy(() =>
  import('../pages/dutyfree/ShopConsole.tsx').then((m) => ({ default: m.ShopConsole })),
);
export const SelfPage = lazy(() => import('../pages/dutyfree/SelfPage.tsx').then((m) => ({ default: m.SelfPage })));
export const RiskPage = lazy(() => import('../pages/risk/RiskPage.tsx').then((m) => ({ default: m.RiskPage })));
export const DeclarationsPage = lazy(() =>
  import('../pages/declarations/DeclarationsPage.tsx').then((m) => ({ default: m.DeclarationsPage })),
);
export const LedgerPage = lazy(() => import('../pages/ledger/LedgerPage.tsx').then((m) => ({ default: m.LedgerPage })));
export const GatePage = lazy(() => import('../pages/gate/GatePage.tsx').then((m) => ({ default: m.GatePage })));
export const AuditPage = lazy(() => import('../pages/audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
export const AdminPage = lazy(() => import('../pages/admin/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));
export const FirstLinePage = lazy(() =>
  import('../pages/firstline/FirstLinePage.tsx').then((m) => ({ default: m.FirstLinePage })),
);
export const ValueAddedReviewsPage = lazy(() =>
  import('../pages/valueadded/ValueAddedReviewsPage.tsx').then((m) => ({ default: m.ValueAddedReviewsPage })),
);
