import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Book, Item } from './model.ts';
import { Movements } from './Movements.tsx';
import { DocumentForm } from './DocumentForm.tsx';

export function BookView({ bookId, canFile }: { bookId: string; canFile: boolean }) {
  const { t } = useI18n();
  const book = useQuery({
    queryKey: ['ledger-book', bookId],
    queryFn: () => api<Book>('GET', `/api/v1/ledger/books/${bookId}`),
  });
  const items = useQuery({
    queryKey: ['ledger-items', bookId],
    queryFn: () => api<{ items: Item[] }>('GET', `/api/v1/ledger/books/${bookId}/items`),
  });
  if (book.isLoading || items.isLoading) return <Spinner />;
  if (book.error) return <ErrorBox error={book.error} />;
  if (items.error) return <ErrorBox error={items.error} />;
  const b = book.data!;
  return (
    <>
      <p>
        <a href="#/ledger">← {t('ledger.allBooks')}</a>
      </p>
      <div className="card" data-testid="ledger-book">
        <div className="card-label">{t(`ledger.regime.${b.regime}` as 'ledger.regime.ZERO_TARIFF')}</div>
        <div className="card-title mono">{b.bookNo}</div>
      </div>
      <h2>{t('ledger.items')}</h2>
      <table className="table" data-testid="ledger-items">
        <thead>
          <tr>
            <th>{t('ledger.itemNo')}</th>
            <th>HS</th>
            <th>{t('ledger.name')}</th>
            <th>{t('ledger.unit')}</th>
            <th className="num">{t('ledger.onHand')}</th>
            <th className="num">{t('ledger.reserved')}</th>
            <th className="num">{t('ledger.available')}</th>
            <th className="num">{t('ledger.importedCny')}</th>
            <th className="num">{t('ledger.domesticCny')}</th>
            <th className="num">{t('ledger.hainanMadeCny')}</th>
          </tr>
        </thead>
        <tbody>
          {items.data!.items.map((i) => (
            <tr key={i.id} data-testid={`ledger-item-${i.itemNo}`}>
              <td className="mono">{i.itemNo}</td>
              <td className="mono">{i.hsCode}</td>
              <td data-raw>{i.name}</td>
              <td>{i.unit}</td>
              <td className="num" data-testid={`ledger-item-${i.itemNo}-onhand`}>
                {i.onHand}
              </td>
              <td className="num">{i.reserved}</td>
              <td className="num">{i.available}</td>
              <td className="num">{i.importedCny}</td>
              <td className="num">{i.domesticCny}</td>
              <td className="num">{i.hainanMadeCny}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canFile && <DocumentForm bookId={bookId} items={items.data!.items} />}
      <Movements bookId={bookId} items={items.data!.items} />
    </>
  );
}
