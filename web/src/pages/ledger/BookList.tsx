import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Book } from './model.ts';

export function BookList() {
  const { t } = useI18n();
  const books = useQuery({
    queryKey: ['ledger-books'],
    queryFn: () => api<{ items: Book[] }>('GET', '/api/v1/ledger/books'),
  });
  if (books.isLoading) return <Spinner />;
  if (books.error) return <ErrorBox error={books.error} onRetry={() => void books.refetch()} />;
  if (!books.data!.items.length) return <p data-testid="ledger-no-books">{t('ledger.noBooks')}</p>;
  return (
    <table className="table clickable" data-testid="ledger-books">
      <thead>
        <tr>
          <th>{t('ledger.bookNo')}</th>
          <th>{t('ledger.regime')}</th>
          <th>{t('ledger.enterprise')}</th>
          <th>{t('ledger.status')}</th>
        </tr>
      </thead>
      <tbody>
        {books.data!.items.map((b) => (
          <tr key={b.id} data-testid={`ledger-book-${b.bookNo}`} onClick={() => navigate(`/ledger/${b.id}`)}>
            <td className="mono">{b.bookNo}</td>
            <td>{t(`ledger.regime.${b.regime}` as 'ledger.regime.ZERO_TARIFF')}</td>
            <td data-raw>{b.enterpriseName}</td>
            <td>{b.status === 'ACTIVE' ? t('ledger.bookActive') : b.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
