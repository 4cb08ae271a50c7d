import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { AuditAnchorPage } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';

/** The newest anchor of the root chain (its Merkle root over the partition heads), and anchoring now. */
export function AnchorPanel({ canAnchor }: { canAnchor: boolean }) {
  const { lang } = useI18n();
  const ot = useOt();
  const qc = useQueryClient();
  const latest = useQuery({
    queryKey: ['audit-anchor-latest'],
    // The list, not anchors/latest: before the first anchor it is an empty page, not a 404 in the console.
    queryFn: async () => (await api<AuditAnchorPage>('GET', '/api/v1/audit/anchors?pageSize=1')).items[0] ?? null,
  });
  const anchor = useMutation({
    mutationFn: () => api('POST', '/api/v1/audit/anchors'),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['audit-anchor-latest'] }),
  });
  const a = latest.data;
  return (
    <>
      <h2>{ot('audit.latestAnchor')}</h2>
      {latest.isLoading && <Spinner />}
      {latest.error && <ErrorBox error={latest.error} />}
      {latest.data === null && <p className="muted">{ot('audit.noAnchor')}</p>}
      {a && (
        <dl className="facts" data-testid="audit-anchor">
          <dt>{ot('audit.anchorSeq')}</dt>
          <dd data-testid="audit-anchor-seq">{a.seq}</dd>
          <dt>{ot('audit.anchorAt')}</dt>
          <dd>{formatDateTime(a.at, lang)}</dd>
          <dt>{ot('audit.root')}</dt>
          <dd className="mono hash">{a.root}</dd>
          <dt>{ot('audit.hash')}</dt>
          <dd className="mono hash">{a.hash}</dd>
          <dt>{ot('audit.prevHash')}</dt>
          <dd className="mono hash">{a.prevHash}</dd>
          <dt>{ot('audit.anchors')}</dt>
          <dd>{ot('audit.heads', { n: a.partitionCount })}</dd>
        </dl>
      )}
      {anchor.error && <ErrorBox error={anchor.error} />}
      {canAnchor && (
        <button type="button" data-testid="audit-anchor-now" onClick={() => anchor.mutate()}>
          {ot('audit.anchorNow')}
        </button>
      )}
    </>
  );
}
