import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { User } from '../../api/wire.ts';
import { USER_ROLES } from '../../../../src/platform/auth/roles.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { FieldMessage, useExplain } from '../../errors.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt, useRoleName } from '../../i18n/officer.ts';

/** Users by role, and a form to create one (the server checks the name, password and enterprise). */
export function UsersTab() {
  const { lang } = useI18n();
  const ot = useOt();
  const roleName = useRoleName();
  const q = useQuery({ queryKey: ['admin-users'], queryFn: () => api<{ items: User[] }>('GET', '/api/v1/users') });
  const columns: Column<User>[] = [
    { key: 'username', header: ot('admin.username'), cell: (u) => <span className="mono">{u.username}</span> },
    { key: 'name', raw: true, header: ot('admin.displayName'), cell: (u) => u.displayName },
    { key: 'role', header: ot('admin.role'), cell: (u) => roleName(u.role) },
    {
      key: 'status',
      header: ot('admin.status'),
      cell: (u) => (u.disabled ? ot('admin.disabled') : ot('admin.active')),
    },
    {
      key: 'created',
      header: ot('admin.createdAt'),
      secondary: true,
      cell: (u) => formatDateTime(u.createdAt, lang),
    },
  ];
  return (
    <>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <DataTable
          columns={columns}
          rows={q.data.items}
          rowKey={(u) => u.id}
          caption={ot('admin.users')}
          empty={ot('admin.none')}
          testId="admin-users"
        />
      )}
      <NewUserForm />
    </>
  );
}

function NewUserForm() {
  const ot = useOt();
  const roleName = useRoleName();
  const qc = useQueryClient();
  const [form, setForm] = useState({ username: '', displayName: '', role: 'inspector', password: '', uscc: '' });
  const create = useMutation({
    mutationFn: () =>
      api<User>('POST', '/api/v1/users', {
        username: form.username,
        displayName: form.displayName || undefined,
        role: form.role,
        password: form.password,
        ...(form.uscc ? { enterpriseUscc: form.uscc } : {}),
      }),
    onSuccess: () => {
      setForm({ username: '', displayName: '', role: form.role, password: '', uscc: '' });
      void qc.invalidateQueries({ queryKey: ['admin-users'] });
    },
  });
  const x = useExplain(create.error);
  const field = (name: keyof typeof form, label: string, path: string, type = 'text') => (
    <label>
      {label}
      <input
        type={type}
        value={form[name]}
        data-testid={`user-${name}`}
        aria-invalid={x?.at(path).length ? true : undefined}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
      <FieldMessage error={create.error} path={path} testId={`user-${name}-error`} />
    </label>
  );
  return (
    <form
      className="form card"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2>{ot('admin.createUser')}</h2>
      {field('username', ot('admin.username'), 'username')}
      {field('displayName', ot('admin.displayName'), 'displayName')}
      <label>
        {ot('admin.role')}
        <select value={form.role} data-testid="user-role" onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {USER_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </label>
      {form.role === 'enterprise_user' && field('uscc', ot('admin.enterpriseUscc'), 'enterpriseUscc')}
      {field('password', ot('admin.password'), 'password', 'password')}
      {create.error && (
        <ErrorBox error={create.error} fieldsShown={['username', 'displayName', 'password', 'enterpriseUscc']} />
      )}
      {create.isSuccess && (
        <p className="ok-box" role="status">
          {ot('admin.created')}
        </p>
      )}
      <button type="submit" className="primary" data-testid="user-create" disabled={create.isPending}>
        {ot('admin.createUser')}
      </button>
    </form>
  );
}
