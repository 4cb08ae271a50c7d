/** The main navigation: each area's link, shown to the roles the server lets read it. */
import type { SessionUser } from '../api.ts';
import { useCan } from '../permissions.tsx';

export function useNavLinks(user: SessionUser, isOfficer: boolean) {
  const can = useCan();
  return [
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
}
