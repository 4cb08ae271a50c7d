import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ApiError, apiLines } from '../../api.ts';
import type { VerifyResult } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useOt } from '../../i18n/officer.ts';

type VerifyLine =
  | { type: 'progress'; checked: number; total: number }
  | { type: 'result'; result: VerifyResult }
  | { type: 'error'; detail: string };

interface Progress {
  checked: number;
  total: number;
}

/** The streamed walk: progress lines as it goes, then its result (or why it stopped). */
async function walk(onProgress: (p: Progress) => void): Promise<VerifyResult> {
  let result: VerifyResult | null = null;
  let stopped = '';
  await apiLines<VerifyLine>('POST', '/api/v1/audit/verify/stream', (l) => {
    if (l.type === 'progress') onProgress({ checked: l.checked, total: l.total });
    else if (l.type === 'result') result = l.result;
    else stopped = l.detail;
  });
  if (!result) throw new ApiError(500, 'audit verify', stopped || 'The answer ended before the walk did.');
  return result;
}

/**
 * Re-walks every partition and anchor on the server, showing how many entries are checked of how
 * many as the server reports them, and for how long; the figures come with the answer.
 */
export function VerifyPanel() {
  const ot = useOt();
  const [seconds, setSeconds] = useState(0);
  const [progress, setProgress] = useState<Progress | null>(null);
  const verify = useMutation({
    mutationFn: () => {
      setProgress(null);
      return walk(setProgress);
    },
  });
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
          <progress
            aria-label={ot('audit.verifying')}
            data-testid="audit-verify-progress"
            {...(progress && progress.total > 0 ? { value: Math.min(progress.checked, progress.total) } : {})}
            max={progress?.total || 1}
          />{' '}
          {progress
            ? ot('audit.progress', { checked: progress.checked, total: progress.total })
            : ot('audit.verifying')}{' '}
          {ot('audit.elapsed', { s: seconds })}
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
