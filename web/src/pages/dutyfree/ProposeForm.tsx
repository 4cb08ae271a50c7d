import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';

/** Propose a case for the chosen entries: confirm them as a resale ring, or clear them. */
export function ProposeForm({
  entryIds,
  ringId,
  onDone,
}: {
  entryIds: string[];
  ringId: string | null;
  onDone?: () => void;
}) {
  const dt = useDt();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const propose = useMutation({
    mutationFn: (proposal: 'CONFIRM' | 'CLEAR') =>
      api<{ caseId: string }>('POST', '/api/v1/dutyfree/cases', {
        proposal,
        entryIds,
        ...(ringId ? { ringId } : {}),
        note,
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['df-yellow'] });
      void qc.invalidateQueries({ queryKey: ['df-ring'] });
      void qc.invalidateQueries({ queryKey: ['df-cases'] });
      onDone?.();
    },
  });
  return (
    <form className="form card" onSubmit={(e) => e.preventDefault()} data-testid="df-propose">
      <p>{dt('df.yellow.selected', { n: entryIds.length })}</p>
      <label>
        {dt('df.propose.note')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} data-testid="df-propose-note" />
      </label>
      <div className="actions">
        <button
          type="button"
          onClick={() => propose.mutate('CONFIRM')}
          disabled={propose.isPending}
          data-testid="df-propose-confirm"
        >
          {dt('df.propose.CONFIRM')}
        </button>
        <button
          type="button"
          onClick={() => propose.mutate('CLEAR')}
          disabled={propose.isPending}
          data-testid="df-propose-clear"
        >
          {dt('df.propose.CLEAR')}
        </button>
      </div>
      {propose.data && (
        <p className="ok-box" data-testid="df-propose-done">
          {dt('df.propose.done', { id: propose.data.caseId.slice(-8) })}
        </p>
      )}
      {propose.error && <ErrorBox error={propose.error} />}
    </form>
  );
}
