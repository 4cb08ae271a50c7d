import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { Parameter } from '../../api/wire.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useOt } from '../../i18n/officer.ts';
import { routeParams, setParams, withParams } from '../../urlState.ts';
import { ParameterVersions } from './ParameterVersions.tsx';
import { showValue } from './values.ts';

/** The policy parameters in force today; one opens its versions and a form for the next (in the URL). */
export function ParametersTab({ route }: { route: string }) {
  const ot = useOt();
  const params = routeParams(route);
  const filter = params.get('q') ?? '';
  const open = params.get('name');
  const q = useQuery({
    queryKey: ['admin-parameters'],
    queryFn: () => api<{ asOf: string; items: Parameter[] }>('GET', '/api/v1/parameters'),
  });
  const rows = (q.data?.items ?? []).filter((p) => p.name.toLowerCase().includes(filter.toLowerCase()));
  const columns: Column<Parameter>[] = [
    {
      key: 'name',
      header: ot('admin.paramName'),
      cell: (p) => (
        <a href={`#${withParams(route, { name: p.name })}`} className="mono" data-testid={`param-${p.name}`}>
          {p.name}
        </a>
      ),
    },
    {
      key: 'value',
      header: ot('admin.paramValue'),
      cell: (p) => <span className="mono small clip">{showValue(p.value)}</span>,
    },
    { key: 'version', header: ot('admin.version'), numeric: true, secondary: true, cell: (p) => p.version },
    { key: 'from', header: ot('admin.validFrom'), secondary: true, cell: (p) => p.validFrom },
  ];
  return (
    <>
      {open && <ParameterVersions name={open} onClose={() => setParams(route, { name: undefined })} />}
      <label className="search">
        {ot('admin.filter')}{' '}
        <input
          type="search"
          defaultValue={filter}
          data-testid="param-filter"
          onChange={(e) => setParams(route, { q: e.target.value }, { replace: true })}
        />
      </label>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <DataTable
          columns={columns}
          rows={rows}
          rowKey={(p) => p.name}
          caption={ot('admin.parameters')}
          empty={ot('admin.none')}
          testId="admin-parameters"
        />
      )}
    </>
  );
}
