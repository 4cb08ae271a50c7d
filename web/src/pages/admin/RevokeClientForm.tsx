import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ApiClient } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FieldMessage } from '../../errors.tsx';
import { useOt } from '../../i18n/officer.ts';

/** Revoke a machine client, with the reason the audit log keeps; the list reloads after. */
export function RevokeClientForm({ client, onClose }: { client: ApiClient; onClose: () => void }) {
  const ot = useOt();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const revoke = useMutation({
    mutationFn: () => api('POST', `/api/v1/api-clients/${client.id}/revoke`, { reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin-clients'] });
      onClose();
    },
  });
  return (
    <form
      className="form card"
      data-testid="client-revoke-form"
      onSubmit={(e) => {
        e.preventDefault();
        revoke.mutate();
      }}
    >
      <h2>
        {ot('admin.revoke')} {client.name}
      </h2>
      <label>
        {ot('admin.revokeReason')}
        <input
          value={reason}
          data-testid="client-revoke-reason"
          // biome-ignore lint/a11y/noAutofocus: the dialog opens on the officer's click to type this reason
          autoFocus
          onChange={(e) => setReason(e.target.value)}
        />
        <FieldMessage error={revoke.error} path="reason" testId="client-revoke-reason-error" />
      </label>
      {revoke.error && <ErrorBox error={revoke.error} fieldsShown={['reason']} />}
      <p className="actions">
        <button type="submit" className="primary" data-testid="client-revoke-confirm">
          {ot('admin.confirmRevoke')}
        </button>
        <button type="button" onClick={onClose}>
          {ot('admin.cancel')}
        </button>
      </p>
    </form>
  );
}
