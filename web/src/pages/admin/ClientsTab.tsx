import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ApiClient } from '../../api/wire.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt, useRoleName } from '../../i18n/officer.ts';
import { NewClientForm } from './NewClientForm.tsx';
import { RevokeClientForm } from './RevokeClientForm.tsx';

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
      {revoking && <RevokeClientForm client={revoking} onClose={() => setRevoking(null)} />}
      <NewClientForm />
    </>
  );
}
