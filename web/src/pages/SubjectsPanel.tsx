import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { EnterpriseForm } from './EnterpriseForm.tsx';
import { useCan } from '../permissions.tsx';

export interface Enterprise {
  id: string;
  uscc: string;
  name: string;
  registeredInHainan: boolean;
  legalForm: string;
  industry: string | null;
  encouragedIndustry: boolean;
  createdAt: string;
}

const PAGE_SIZE = 20;

export function SubjectsPanel() {
  const can = useCan();
  const t = useT();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['enterprises', q, page],
    queryFn: () =>
      api<{ items: Enterprise[]; total: number }>(
        'GET',
        `/api/v1/enterprises?q=${encodeURIComponent(q)}&page=${page}&pageSize=${PAGE_SIZE}`,
      ),
  });
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));
  return (
    <div className="subjects">
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setQ(draft.trim());
        }}
      >
        <input
          data-testid="subjects-search"
          placeholder={t('subjects.search.placeholder')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" data-testid="subjects-search-submit">
          {t('common.search')}
        </button>
      </form>
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <>
          <table className="table" data-testid="subjects-table">
            <thead>
              <tr>
                <th>{t('subjects.col.uscc')}</th>
                <th>{t('subjects.col.name')}</th>
                <th>{t('subjects.col.hainan')}</th>
                <th>{t('subjects.col.form')}</th>
                <th>{t('subjects.col.industry')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{e.uscc}</td>
                  <td data-raw>{e.name}</td>
                  <td>{e.registeredInHainan ? t('common.yes') : t('common.no')}</td>
                  <td>{t(`form.${e.legalForm}` as 'form.OTHER')}</td>
                  <td data-raw>{e.industry ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && <p data-testid="subjects-empty">{t('subjects.empty')}</p>}
          <div className="pager">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('common.prev')}
            </button>
            <span>
              {page} / {pages} · {t('common.total', { n: list.data.total })}
            </span>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('common.next')}
            </button>
          </div>
        </>
      )}
      {can('POST', '/api/v1/enterprises') && <EnterpriseForm onCreated={() => void list.refetch()} />}
    </div>
  );
}
