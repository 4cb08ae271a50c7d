import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { VerifyResult } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useOt } from '../../i18n/officer.ts';

/**
 * Re-walks every partition and anchor on the server. The walk answers once at the end, so the page
 * shows that it is under way and for how long; the figures come with the answer.
 */
export function VerifyPanel() {
  const ot = useOt();
  const [seconds, setSeconds] = useState(0);
  const verify = useMutation({ mutationFn: () => api<VerifyResult>('POST', '/api/v1/audit/verify') });
  useEffect(() => {
    if (!verify.isPending) return;
    setSeconds(0);
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.round((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [verify.isPending]);
  const r = verify.data;
  return (
    <div className="card">
      <button
        type="button"
        className="primary"
        data-testid="audit-verify"
        disabled={verify.isPending}
        onClick={() => verify.mutate()}
      >
        {ot('audit.verify')}
      </button>
      {verify.isPending && (
        <div role="status" data-testid="audit-verifying">
          <progress aria-label={ot('audit.verifying')} /> {ot('audit.verifying')} {ot('audit.elapsed', { s: seconds })}
        </div>
      )}
      {verify.error && <ErrorBox error={verify.error} />}
      {r && (
        <div role="status" data-testid="audit-verify-result" data-ok={String(r.ok)}>
          <p className={r.ok ? 'ok-box' : 'error-box'}>
            {r.ok
              ? ot('audit.ok', { checked: r.checked, partitions: r.partitions, anchors: r.anchors })
              : ot('audit.broken', { count: r.breaks.length })}
          </p>
          <ul>
            {r.breaks.map((b, i) => (
              <li key={i}>
                {ot('audit.break', {
                  seq: b.seq ?? '—',
                  partition: b.partition ?? '—',
                  pseq: b.pseq ?? '—',
                  reason: b.reason,
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
