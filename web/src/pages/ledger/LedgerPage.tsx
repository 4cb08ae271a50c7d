import type { SessionUser } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { AuditorPanel } from './AuditorPanel.tsx';
import { BookList } from './BookList.tsx';
import { BookView } from './BookView.tsx';

/** Account books (一企一账): an enterprise sees its own; an auditor any book, pending adjustments and the verifier. */
export function LedgerPage({ route, user }: { route: string; user: SessionUser }) {
  const { t } = useI18n();
  const bookId = route.split('/')[2];
  const can = useCan();
  const auditor = can('GET', '/api/v1/ledger/adjustments/pending');
  return (
    <section data-testid="ledger-page">
      <h1>{t('ledger.title')}</h1>
      {auditor && <AuditorPanel />}
      {bookId ? <BookView bookId={bookId} canFile={can('POST', '/api/v1/ledger/documents')} /> : <BookList />}
    </section>
  );
}
