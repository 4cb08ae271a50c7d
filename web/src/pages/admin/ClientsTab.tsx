import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ApiClient } from '../../api/wire.ts';
import { CLIENT_ROLES } from '../../../../src/platform/auth/roles.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { FieldMessage } from '../../errors.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt, useRoleName } from '../../i18n/officer.ts';

/** Machine clients (departments, gate devices, duty-free shops): list, create (key shown once), revoke. */
export function ClientsTab() {
  const { lang } = useI18n();
  const ot = useOt();
  const roleName = useRoleName();
  const [revoked, setRevoked] = useState(false);
  const [revoking, setRevoking] = useState<ApiClient | null>(null);
  const q = useQuery({
    queryKey: ['admin-clients', revoked],
    queryFn: () => api<{ items: ApiClient[] }>('GET', `/api/v1/api-clients?includeRevoked=${revoked}`),
  });
  const columns: Column<ApiClient>[] = [
    { key: 'name', raw: true, header: ot('admin.clientName'), cell: (c) => c.name },
    { key: 'role', header: ot('admin.role'), cell: (c) => roleName(c.role) },
    { key: 'prefix', header: ot('admin.keyPrefix'), cell: (c) => <span className="mono">{c.keyPrefix}</span> },
    {
      key: 'scope',
      header: ot('admin.scope'),
      secondary: true,
      cell: (c) => <span className="mono small">{Object.values(c.scope).map(String).join(' · ') || '—'}</span>,
    },
    { key: 'created', header: ot('admin.createdAt'), secondary: true, cell: (c) => formatDateTime(c.createdAt, lang) },
    {
      key: 'action',
      header: ot('admin.status'),
      cell: (c) =>
        c.revokedAt ? (
          `${ot('admin.revoked')} ${formatDateTime(c.revokedAt, lang)}`
        ) : (
          <button type="button" data-testid={`client-revoke-${c.name}`} onClick={() => setRevoking(c)}>
            {ot('admin.revoke')}
          </button>
        ),
    },
  ];
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={revoked}
          data-testid="clients-show-revoked"
          onChange={(e) => setRevoked(e.target.checked)}
        />{' '}
        {ot('admin.showRevoked')}
      </label>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <DataTable
          columns={columns}
          rows={q.data.items}
          rowKey={(c) => c.id}
          caption={ot('admin.clients')}
          empty={ot('admin.none')}
          testId="admin-clients"
        />
      )}
      {revoking && <RevokeForm client={revoking} onClose={() => setRevoking(null)} />}
      <NewClientForm />
    </>
  );
}

function RevokeForm({ client, onClose }: { client: ApiClient; onClose: () => void }) {
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

function NewClientForm() {
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
