import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { CodeAnswer } from '../../api/wire.ts';

/** Is this traceability code (免税品溯源码) genuine; an officer sees the sale and the buyer. */
export function CodeLookup() {
  const dt = useDt();
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const look = useMutation({
    mutationFn: () => api<CodeAnswer>('GET', `/api/v1/dutyfree/codes/${encodeURIComponent(code.trim())}`),
  });
  const a = look.data;
  return (
    <section data-testid="df-code">
      <form className="search" onSubmit={(e) => (e.preventDefault(), look.mutate())}>
        <input
          className="mono"
          placeholder={dt('df.code.placeholder')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          data-testid="df-code-input"
        />
        <button type="submit" data-testid="df-code-submit">
          {t('common.search')}
        </button>
      </form>
      {look.error && <ErrorBox error={look.error} />}
      {a && (
        <div className={a.valid ? 'ok-box' : 'error-box'} data-testid="df-code-result">
          <strong>{a.valid ? dt('df.code.valid') : dt('df.code.invalid')}</strong>
          {a.valid && (
            <p>
              {dt('df.code.soldAt', { at: a.soldAt ?? a.soldOn ?? '', shop: a.shop ?? '' })} · {a.category} · {a.status}
              {a.buyer && (
                <>
                  {' '}
                  · <a href={`#/dutyfree/buyers/${a.buyer.buyerId}`}>{a.buyer.name}</a> {a.buyer.idNumber}
                </>
              )}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
