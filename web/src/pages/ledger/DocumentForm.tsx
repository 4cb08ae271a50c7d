import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';
import { DOC_TYPES, type DocType, type Item, uuidv7 } from './model.ts';
import { DocumentLineRow } from './DocumentLineRow.tsx';

export interface LineDraft {
  itemId: string;
  quantity: string;
  importedCny: string;
}

export function DocumentForm({ bookId, items }: { bookId: string; items: Item[] }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [type, setType] = useState<DocType>('FIRST_LINE_IMPORT');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([{ itemId: items[0]?.id ?? '', quantity: '', importedCny: '' }]);
  const [done, setDone] = useState<string | null>(null);
  const file = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { type, documentId: uuidv7(), bookId, ...(reference ? { reference } : {}) };
      if (type === 'SCRAP' || type === 'ADJUSTMENT') body.reason = reason;
      body.lines = lines.map((l) =>
        type === 'FIRST_LINE_IMPORT'
          ? { itemId: l.itemId, quantity: l.quantity, importedCny: l.importedCny }
          : type === 'ADJUSTMENT'
            ? { itemId: l.itemId, delta: l.quantity }
            : { itemId: l.itemId, quantity: l.quantity },
      );
      return api<{ id: string; status: string }>('POST', '/api/v1/ledger/documents', body);
    },
    onSuccess: (d) => {
      setDone(d.status);
      void qc.invalidateQueries({ queryKey: ['ledger-items', bookId] });
      void qc.invalidateQueries({ queryKey: ['ledger-movements', bookId] });
    },
  });
  // The server's findings under their fields, in words; its wording and rule codes behind the disclosure.
  const explained = useExplain(file.error);
  const fieldError = (path: string, testId: string) => {
    const texts = explained?.at(path) ?? [];
    return texts.length ? (
      <div className="field-error" data-testid={testId}>
        {texts.join(' ')}
      </div>
    ) : null;
  };
  const update = (i: number, patch: Partial<LineDraft>) =>
    setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  return (
    <div className="card" data-testid="ledger-file">
      <h2>{t('ledger.fileDocument')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          file.mutate();
        }}
      >
        <label>
          {t('ledger.documentType')}{' '}
          <select value={type} onChange={(e) => setType(e.target.value as DocType)} data-testid="doc-type">
            {DOC_TYPES.map((d) => (
              <option key={d} value={d}>
                {t(`ledger.doc.${d}` as 'ledger.doc.SCRAP')}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('ledger.reference')}{' '}
          <input value={reference} onChange={(e) => setReference(e.target.value)} data-testid="doc-reference" />
        </label>
        {(type === 'SCRAP' || type === 'ADJUSTMENT') && (
          <label>
            {' '}
            {t('ledger.reason')}{' '}
            <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="doc-reason" />
            {fieldError('reason', 'doc-reason-error')}
          </label>
        )}
        <table className="table small">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('ledger.item')}</th>
              <th>{type === 'ADJUSTMENT' ? t('ledger.delta') : t('ledger.quantity')}</th>
              {type === 'FIRST_LINE_IMPORT' && <th>{t('ledger.importedCny')}</th>}
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <DocumentLineRow key={i} i={i} l={l} type={type} items={items} update={update} fieldError={fieldError} />
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button
            type="button"
            onClick={() => setLines([...lines, { itemId: items[0]?.id ?? '', quantity: '', importedCny: '' }])}
            data-testid="doc-add-line"
          >
            {t('ledger.addLine')}
          </button>
          <button type="submit" className="primary" disabled={file.isPending} data-testid="doc-submit">
            {t('ledger.submit')}
          </button>
        </div>
        {file.error && (
          <ErrorBox
            error={file.error}
            fieldsShown={[
              'reason',
              ...lines.flatMap((_, i) => [
                `lines[${i}].itemId`,
                `lines[${i}].quantity`,
                `lines[${i}].delta`,
                `lines[${i}].importedCny`,
              ]),
            ]}
          />
        )}
        {done && (
          <p data-testid="doc-done">
            {t('ledger.filed')}: {t(`ledger.status.${done}` as 'ledger.status.POSTED')}
          </p>
        )}
      </form>
    </div>
  );
}
