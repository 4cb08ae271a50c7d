import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session, type SessionUser } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useCan } from '../../permissions.tsx';
import { useExplain } from '../../errors.tsx';

interface Book {
  id: string;
  enterpriseId: string;
  regime: string;
  bookNo: string;
  status: string;
  enterpriseName?: string;
  enterpriseUscc?: string;
}
interface Item {
  id: string;
  itemNo: string;
  hsCode: string;
  name: string;
  specification: string;
  unit: string;
  originCountry: string;
  onHand: string;
  reserved: string;
  available: string;
  importedCny: string;
  domesticCny: string;
  hainanMadeCny: string;
  firstEntryDate: string | null;
}
interface Movement {
  id: string;
  seq: number;
  itemNo: string;
  itemName: string;
  unit: string;
  from: string;
  to: string;
  quantity: string;
  importedCny: string;
  documentType: string;
  documentId: string;
  businessDate: string;
}
interface Pending {
  id: string;
  bookId?: string;
  reason: string | null;
  createdBy: string;
  businessDate: string;
  body: unknown;
}
interface Verify {
  ok: boolean;
  books: number;
  accounts: number;
  movements: number;
  firstProblem: string | null;
}

const DOC_TYPES = ['FIRST_LINE_IMPORT', 'FIRST_LINE_EXPORT', 'SCRAP', 'ADJUSTMENT'] as const;
type DocType = (typeof DOC_TYPES)[number];
const uuidv7 = () => {
  const b = crypto.getRandomValues(new Uint8Array(16));
  const ms = Date.now();
  for (let i = 0; i < 6; i++) b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

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

function BookList() {
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

function BookView({ bookId, canFile }: { bookId: string; canFile: boolean }) {
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

function Movements({ bookId, items }: { bookId: string; items: Item[] }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ itemId: '', documentType: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
  const moves = useQuery({
    queryKey: ['ledger-movements', bookId, qs.toString(), page],
    queryFn: () =>
      api<{ items: Movement[]; total: number; pageSize: number }>(
        'GET',
        `/api/v1/ledger/books/${bookId}/movements?${qs.toString()}&page=${page}`,
      ),
  });
  const exportCsv = async () => {
    const res = await fetch(`/api/v1/ledger/books/${bookId}/movements.csv?${qs.toString()}`, {
      headers: { authorization: `Bearer ${session.token()}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `movements-${bookId}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const set = (k: keyof typeof filter) => (e: { target: { value: string } }) => {
    setFilter({ ...filter, [k]: e.target.value });
    setPage(1);
  };
  return (
    <>
      <h2>{t('ledger.movements')}</h2>
      <div className="search" data-testid="ledger-movement-filters">
        <select value={filter.itemId} onChange={set('itemId')} data-testid="mv-filter-item">
          <option value="">{t('ledger.allItems')}</option>
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.itemNo} {i.name}
            </option>
          ))}
        </select>
        <select value={filter.documentType} onChange={set('documentType')} data-testid="mv-filter-type">
          <option value="">{t('ledger.allTypes')}</option>
          {[
            'FIRST_LINE_IMPORT',
            'FIRST_LINE_EXPORT',
            'ISLAND_TRANSFER',
            'PROCESSING',
            'SCRAP',
            'ADJUSTMENT',
            'REVERSAL',
            'RESERVATION_POSTING',
          ].map((d) => (
            <option key={d} value={d}>
              {t(`ledger.doc.${d}` as 'ledger.doc.SCRAP')}
            </option>
          ))}
        </select>
        <input type="date" value={filter.from} onChange={set('from')} data-testid="mv-filter-from" />
        <input type="date" value={filter.to} onChange={set('to')} data-testid="mv-filter-to" />
        <button type="button" onClick={() => void exportCsv()} data-testid="mv-export">
          {t('ledger.exportCsv')}
        </button>
      </div>
      {moves.isLoading && <Spinner />}
      {moves.error && <ErrorBox error={moves.error} />}
      {moves.data && (
        <>
          <p className="small" data-testid="mv-total">
            {t('common.total', { n: moves.data.total })}
          </p>
          <table className="table small" data-testid="ledger-movements">
            <thead>
              <tr>
                <th>{t('ledger.date')}</th>
                <th>{t('ledger.itemNo')}</th>
                <th>{t('ledger.fromTo')}</th>
                <th className="num">{t('ledger.quantity')}</th>
                <th className="num">{t('ledger.importedCny')}</th>
                <th>{t('ledger.document')}</th>
              </tr>
            </thead>
            <tbody>
              {moves.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.businessDate}</td>
                  <td className="mono">{m.itemNo}</td>
                  <td>
                    {t(`ledger.account.${m.from}` as 'ledger.account.stock')} →{' '}
                    {t(`ledger.account.${m.to}` as 'ledger.account.stock')}
                  </td>
                  <td className="num">
                    {m.quantity} {m.unit}
                  </td>
                  <td className="num">{m.importedCny}</td>
                  <td>{t(`ledger.doc.${m.documentType}` as 'ledger.doc.SCRAP')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('common.prev')}
            </button>
            <button
              type="button"
              disabled={page * moves.data.pageSize >= moves.data.total}
              onClick={() => setPage(page + 1)}
            >
              {t('common.next')}
            </button>
          </div>
        </>
      )}
    </>
  );
}

interface LineDraft {
  itemId: string;
  quantity: string;
  importedCny: string;
}

function DocumentForm({ bookId, items }: { bookId: string; items: Item[] }) {
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

function AuditorPanel() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const pending = useQuery({
    queryKey: ['ledger-pending'],
    queryFn: () => api<{ items: Pending[] }>('GET', '/api/v1/ledger/adjustments/pending'),
  });
  const decide = useMutation({
    mutationFn: (v: { id: string; approve: boolean }) =>
      api('POST', `/api/v1/ledger/documents/${v.id}/decision`, { approve: v.approve }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['ledger-pending'] });
      void qc.invalidateQueries({ queryKey: ['ledger-items'] });
    },
  });
  const verify = useMutation({ mutationFn: () => api<Verify>('POST', '/api/v1/ledger/verify', {}) });
  return (
    <div className="card" data-testid="ledger-auditor">
      <div className="card-label">{t('ledger.auditor')}</div>
      <h3>{t('ledger.pending')}</h3>
      {pending.isLoading && <Spinner />}
      {pending.data && !pending.data.items.length && <p className="small">{t('ledger.noPending')}</p>}
      {pending.data && pending.data.items.length > 0 && (
        <table className="table small" data-testid="ledger-pending">
          <tbody>
            {pending.data.items.map((p) => (
              <tr key={p.id} data-testid={`pending-${p.id}`}>
                <td>{p.businessDate}</td>
                <td data-raw>{p.reason}</td>
                <td className="mono small">{JSON.stringify((p.body as { lines?: unknown }).lines)}</td>
                <td className="mono small">{p.createdBy}</td>
                <td>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => decide.mutate({ id: p.id, approve: true })}
                    data-testid={`approve-${p.id}`}
                  >
                    {t('ledger.approve')}
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() => decide.mutate({ id: p.id, approve: false })}
                    data-testid={`reject-${p.id}`}
                  >
                    {t('ledger.reject')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {decide.error && <ErrorBox error={decide.error} />}
      <div className="actions">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="ledger-verify">
          {t('ledger.runVerifier')}
        </button>
      </div>
      {verify.data && (
        <p data-testid="ledger-verify-result" className={verify.data.ok ? '' : 'warn'}>
          {verify.data.ok
            ? t('ledger.verifyOk', { books: verify.data.books, movements: verify.data.movements })
            : `${t('ledger.verifyFailed')}: ${verify.data.firstProblem}`}
        </p>
      )}
      {verify.error && <ErrorBox error={verify.error} />}
    </div>
  );
}

/** One line of a book document: the item, its quantity (or change) and, for a first-line import, its cost. */
function DocumentLineRow({
  i,
  l,
  type,
  items,
  update,
  fieldError,
}: {
  i: number;
  l: LineDraft;
  type: DocType;
  items: Item[];
  update: (i: number, patch: Partial<LineDraft>) => void;
  fieldError: (path: string, testId: string) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <tr>
      <td>{i + 1}</td>
      <td>
        <select
          aria-label={t('ledger.item')}
          value={l.itemId}
          onChange={(e) => update(i, { itemId: e.target.value })}
          data-testid={`doc-line${i}-item`}
        >
          {items.map((it) => (
            <option key={it.id} value={it.id}>
              {it.itemNo} {it.name}
            </option>
          ))}
        </select>
        {fieldError(`lines[${i}].itemId`, `doc-line${i}-item-error`)}
      </td>
      <td>
        <input
          aria-label={type === 'ADJUSTMENT' ? t('ledger.delta') : t('ledger.quantity')}
          value={l.quantity}
          onChange={(e) => update(i, { quantity: e.target.value })}
          data-testid={`doc-line${i}-quantity`}
        />
        {fieldError(
          type === 'ADJUSTMENT' ? `lines[${i}].delta` : `lines[${i}].quantity`,
          `doc-line${i}-quantity-error`,
        )}
      </td>
      {type === 'FIRST_LINE_IMPORT' && (
        <td>
          <input
            aria-label={t('ledger.importedCny')}
            value={l.importedCny}
            onChange={(e) => update(i, { importedCny: e.target.value })}
            data-testid={`doc-line${i}-cost`}
          />
          {fieldError(`lines[${i}].importedCny`, `doc-line${i}-cost-error`)}
        </td>
      )}
    </tr>
  );
}
