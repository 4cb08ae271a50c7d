import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { AuditEntry as Entry } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import { setParams } from '../../urlState.ts';

/** One entry by number (kept in the URL): its content, hashes, and the proof that an anchor covers it. */
export function EntryProof({ route, seq }: { route: string; seq: string | null }) {
  const { lang } = useI18n();
  const ot = useOt();
  const [input, setInput] = useState(seq ?? '');
  const q = useQuery({
    queryKey: ['audit-entry', seq],
    enabled: Boolean(seq),
    queryFn: () => api<Entry>('GET', `/api/v1/audit/entries/${encodeURIComponent(seq!)}`),
  });
  const e = q.data;
  return (
    <>
      <h2>{ot('audit.entry')}</h2>
      <form
        className="search"
        onSubmit={(ev) => {
          ev.preventDefault();
          setParams(route, { entry: input.trim() });
        }}
      >
        <label>
          {ot('audit.entrySeq')}{' '}
          <input
            inputMode="numeric"
            value={input}
            data-testid="audit-entry-seq"
            onChange={(ev) => setInput(ev.target.value)}
          />
        </label>
        <button type="submit" data-testid="audit-entry-show">
          {ot('audit.show')}
        </button>
      </form>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} />}
      {e && (
        <div className="card" data-testid="audit-entry">
          <p className={e.hashValid ? 'ok-box' : 'error-box'} data-testid="audit-entry-valid">
            {e.hashValid ? ot('audit.hashValid') : ot('audit.hashInvalid')}
          </p>
          {e.withheld && <p className="muted">{ot('audit.withheld')}</p>}
          <dl className="facts">
            <dt>{ot('audit.at')}</dt>
            <dd>{formatDateTime(e.at, lang)}</dd>
            <dt>{ot('audit.actor')}</dt>
            <dd className="mono">{e.actor ?? '—'}</dd>
            <dt>{ot('audit.action')}</dt>
            <dd className="mono">{e.action ?? '—'}</dd>
            <dt>{ot('audit.subject')}</dt>
            <dd className="mono">{e.subject ?? '—'}</dd>
            <dt>{ot('audit.partition', { partition: e.partition, pseq: e.pseq })}</dt>
            <dd className="mono hash">{e.hash}</dd>
            <dt>{ot('audit.prevHash')}</dt>
            <dd className="mono hash">{e.prevHash}</dd>
          </dl>
          {e.change && (
            <details>
              <summary>{ot('audit.change')}</summary>
              <pre className="mono hash">{e.change}</pre>
            </details>
          )}
          <h3>{ot('audit.proof')}</h3>
          {e.proof ? (
            <dl className="facts" data-testid="audit-proof">
              <dt>{ot('audit.anchorSeq')}</dt>
              <dd>{e.proof.anchor.seq}</dd>
              <dt>{ot('audit.root')}</dt>
              <dd className="mono hash">{e.proof.anchor.root}</dd>
              <dt>{ot('audit.links', { n: e.proof.links.length })}</dt>
              <dd>{ot('audit.merklePath', { n: e.proof.merklePath.length })}</dd>
            </dl>
          ) : (
            <p className="muted" data-testid="audit-no-proof">
              {ot('audit.noProof')}
            </p>
          )}
        </div>
      )}
    </>
  );
}
