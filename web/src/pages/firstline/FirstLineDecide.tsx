import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { FirstLine } from '../../api/firstline.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FieldMessage } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** An officer releases or refuses a held declaration after inspection, with a reason. */
export function FirstLineDecide({ id }: { id: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'RELEASE' | 'REJECT') =>
      api<FirstLine>('POST', `/api/v1/firstline/declarations/${id}/decide`, { decision, reason: reason.trim() }),
    onSuccess: (d) => {
      qc.setQueryData(['firstline', 'one', id], d);
      void qc.invalidateQueries({ queryKey: ['firstline'] });
    },
  });
  return (
    <form className="form" data-testid="fl-decide" onSubmit={(e) => e.preventDefault()}>
      <h2>{t('fl.decide.title')}</h2>
      <label>
        {t('fl.decide.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="fl-decide-reason" />
        <FieldMessage error={decide.error} path="reason" />
      </label>
      <div className="actions">
        <button
          type="button"
          disabled={decide.isPending}
          onClick={() => decide.mutate('RELEASE')}
          data-testid="fl-release"
        >
          {t('fl.decide.release')}
        </button>
        <button
          type="button"
          disabled={decide.isPending}
          onClick={() => decide.mutate('REJECT')}
          data-testid="fl-reject"
        >
          {t('fl.decide.reject')}
        </button>
      </div>
      {decide.error && <ErrorBox error={decide.error} fieldsShown={['reason']} />}
    </form>
  );
}
