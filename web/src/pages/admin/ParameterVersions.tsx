import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ParameterVersion } from '../../api/wire.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FieldMessage } from '../../errors.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import { showValue } from './values.ts';

/** Every version of one parameter, with who set it and why, and a form for a new effective-dated version. */
export function ParameterVersions({ name, onClose }: { name: string; onClose: () => void }) {
  const { lang } = useI18n();
  const ot = useOt();
  const q = useQuery({
    queryKey: ['admin-parameter', name],
    queryFn: () => api<{ items: ParameterVersion[] }>('GET', `/api/v1/parameters/${encodeURIComponent(name)}/versions`),
  });
  const columns: Column<ParameterVersion>[] = [
    {
      key: 'value',
      header: ot('admin.paramValue'),
      cell: (v) => <span className="mono small">{showValue(v.value)}</span>,
    },
    { key: 'from', header: ot('admin.validFrom'), cell: (v) => v.validFrom },
    { key: 'to', header: ot('admin.validTo'), cell: (v) => v.validTo ?? '—' },
    { key: 'by', raw: true, header: ot('admin.setBy'), secondary: true, cell: (v) => v.setBy },
    { key: 'reason', raw: true, header: ot('admin.reason'), secondary: true, cell: (v) => v.reason },
    { key: 'at', header: ot('admin.createdAt'), secondary: true, cell: (v) => formatDateTime(v.createdAt, lang) },
  ];
  const latest = q.data?.items.at(-1);
  return (
    <div className="card" data-testid="param-versions">
      <h2>
        <span className="mono">{name}</span> · {ot('admin.history')}
      </h2>
      {q.error && <ErrorBox error={q.error} />}
      {q.data && (
        <DataTable
          columns={columns}
          rows={q.data.items}
          rowKey={(v) => String(v.id)}
          caption={ot('admin.history')}
          empty={ot('admin.none')}
        />
      )}
      {q.data && <NewVersionForm name={name} initial={latest ? JSON.stringify(latest.value) : ''} />}
      <button type="button" onClick={onClose}>
        {ot('admin.cancel')}
      </button>
    </div>
  );
}

function NewVersionForm({ name, initial }: { name: string; initial: string }) {
  const ot = useOt();
  const qc = useQueryClient();
  const [value, setValue] = useState(initial);
  const [validFrom, setValidFrom] = useState('');
  const [reason, setReason] = useState('');
  const [jsonError, setJsonError] = useState(false);
  const save = useMutation({
    mutationFn: (parsed: unknown) => api('POST', '/api/v1/parameters', { name, value: parsed, validFrom, reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin-parameter', name] });
      void qc.invalidateQueries({ queryKey: ['admin-parameters'] });
    },
  });
  const submit = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      setJsonError(true);
      return;
    }
    setJsonError(false);
    save.mutate(parsed);
  };
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>{ot('admin.newVersion')}</h3>
      <label>
        {ot('admin.valueJson')}
        <textarea
          rows={3}
          className="mono"
          value={value}
          data-testid="param-value"
          aria-invalid={jsonError || undefined}
          onChange={(e) => setValue(e.target.value)}
        />
        {jsonError && (
          <span className="field-error" role="alert" data-testid="param-value-error">
            {ot('admin.valueNotJson')}
          </span>
        )}
        <FieldMessage error={save.error} path="value" testId="param-value-error" />
      </label>
      <label>
        {ot('admin.validFrom')}
        <input type="date" value={validFrom} data-testid="param-from" onChange={(e) => setValidFrom(e.target.value)} />
        <FieldMessage error={save.error} path="validFrom" />
      </label>
      <label>
        {ot('admin.reason')}
        <input value={reason} data-testid="param-reason" onChange={(e) => setReason(e.target.value)} />
        <FieldMessage error={save.error} path="reason" />
      </label>
      {save.error && <ErrorBox error={save.error} fieldsShown={['value', 'validFrom', 'reason']} />}
      {save.isSuccess && (
        <p className="ok-box" role="status">
          {ot('admin.created')}
        </p>
      )}
      <button type="submit" className="primary" data-testid="param-save" disabled={save.isPending}>
        {ot('admin.save')}
      </button>
    </form>
  );
}
