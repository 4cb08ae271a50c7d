import { useCan } from '../../permissions.tsx';
import { useOt } from '../../i18n/officer.ts';
import { routeParams } from '../../urlState.ts';
import { AnchorPanel } from './AnchorPanel.tsx';
import { EntryProof } from './EntryProof.tsx';
import { VerifyPanel } from './VerifyPanel.tsx';
import './audit.css';

/** The audit chain: verify it end to end, read the anchors, and look at one entry with its proof. */
export function AuditPage({ route }: { route: string }) {
  const ot = useOt();
  const can = useCan();
  const entry = routeParams(route).get('entry');
  return (
    <section className="page audit" data-testid="audit-page">
      <h1>{ot('audit.title')}</h1>
      {can('POST', '/api/v1/audit/verify') && <VerifyPanel />}
      <AnchorPanel canAnchor={can('POST', '/api/v1/audit/anchors')} />
      <EntryProof route={route} seq={entry} />
    </section>
  );
}
