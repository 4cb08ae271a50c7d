import { useQuery } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import type { TaxBill } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { BillTable } from './parts.tsx';

/** The reader's tax bills, and the CSV export. */
export function TaxBills() {
  const { t } = useI18n();
  const bills = useQuery({
    queryKey: ['tax-bills'],
    queryFn: () => api<{ items: TaxBill[]; total: number }>('GET', '/api/v1/tax-bills?pageSize=100'),
  });
  const download = async () => {
    const res = await fetch('/api/v1/tax-bills/export.csv', {
      headers: { authorization: `Bearer ${session.token()}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'tax-bills.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div data-testid="decl-bills">
      <div className="actions">
        <button type="button" onClick={() => void download()} data-testid="decl-bills-export">
          {t('decl.bills.export')}
        </button>
      </div>
      {bills.isLoading && <Spinner />}
      {bills.error && <ErrorBox error={bills.error} />}
      {bills.data && <BillTable bills={bills.data.items} />}
    </div>
  );
}
