import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { CLIENT_ROLES } from '../../../../src/platform/auth/roles.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FieldMessage } from '../../errors.tsx';
import { useOt, useRoleName } from '../../i18n/officer.ts';

/** Create a machine client: its key is shown once, here, and never again. */
export function NewClientForm() {
  const ot = useOt();
  const roleName = useRoleName();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('department');
  const create = useMutation({
    mutationFn: () => api<{ key: string }>('POST', '/api/v1/api-clients', { name, role }),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: ['admin-clients'] });
    },
  });
  return (
    <form
      className="form card"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2>{ot('admin.createClient')}</h2>
      <label>
        {ot('admin.clientName')}
        <input value={name} data-testid="client-name" onChange={(e) => setName(e.target.value)} />
        <FieldMessage error={create.error} path="name" testId="client-name-error" />
      </label>
      <label>
        {ot('admin.role')}
        <select value={role} data-testid="client-role" onChange={(e) => setRole(e.target.value)}>
          {CLIENT_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </label>
      {create.error && <ErrorBox error={create.error} fieldsShown={['name']} />}
      {create.data && (
        <p className="ok-box" role="status">
          {ot('admin.keyOnce')} <code data-testid="client-key">{create.data.key}</code>
        </p>
      )}
      <button type="submit" className="primary" data-testid="client-create" disabled={create.isPending}>
        {ot('admin.createClient')}
      </button>
    </form>
  );
}
