import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { FieldMessage } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Declaration } from '../../api/wire.ts';
import { PORT_CODES, portLabel } from '../../api/ports.ts';
import { type Book, type Item, type Line, emptyLine, lineBody, shownFields } from './exitDraft.ts';
import { ExitLineFields } from './ExitLineFields.tsx';

/** The simplified exit form (简化申报): book and items, values, destination, port and the release order's vehicle data. */
export function ExitForm({ kind }: { kind: 'SECOND_LINE_EXIT' | 'BATCH_EXIT' }) {
  const { t, lang } = useI18n();
  const [bookId, setBookId] = useState('');
  const [portCode, setPortCode] = useState('CNHAK-XINHAI');
  const [province, setProvince] = useState('广东');
  const [consignee, setConsignee] = useState('');
  const [plate, setPlate] = useState('');
  const [containers, setContainers] = useState('');
  const [seals, setSeals] = useState('');
  const [gross, setGross] = useState('');
  const [packages, setPackages] = useState('1');
  const [lines, setLines] = useState<Line[]>([emptyLine()]);
  const books = useQuery({
    queryKey: ['ledger-books'],
    queryFn: () => api<{ items: Book[] }>('GET', '/api/v1/ledger/books').catch(() => ({ items: [] as Book[] })),
  });
  const items = useQuery({
    queryKey: ['ledger-items', bookId],
    enabled: /^[0-9a-f-]{36}$/.test(bookId),
    queryFn: () =>
      api<{ items: Item[] }>('GET', `/api/v1/ledger/books/${bookId}/items`).catch(() => ({ items: [] as Item[] })),
  });
  const submit = useMutation({
    mutationFn: () =>
      api<Declaration>('POST', kind === 'BATCH_EXIT' ? '/api/v1/declarations/batches' : '/api/v1/declarations/exits', {
        requestId: `web-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        bookId,
        portCode,
        destination: { region: 'CN-MAINLAND', province },
        consignee: { name: consignee },
        contact: { name: '申报员', phone: '0898-00000000' },
        transport: {
          mode: 'ROAD',
          plate,
          containers: containers.split(/[\s,]+/).filter(Boolean),
          seals: seals.split(/[\s,]+/).filter(Boolean),
          expectedGrossWeightKg: gross,
        },
        packages: { count: Number(packages) || 1, kind: '箱' },
        lines: lines.map(lineBody),
      }),
    onSuccess: (d) => navigate(`/declarations/${d.id}`),
  });
  const set = (i: number, patch: Partial<Line>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  // The server's findings at their fields, in words; the rest (and the technical detail) below the form.
  const field = (path: string) => <FieldMessage error={submit.error} path={path} testId={`exit-error-${path}`} />;
  const shown = shownFields(lines.length);
  return (
    <form
      className="form"
      data-testid={`exit-form-${kind}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <h2>{t(kind === 'BATCH_EXIT' ? 'decl.form.batchTitle' : 'decl.form.title')}</h2>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the select or the input chosen inside */}
      <label>
        {t('decl.form.book')}
        {books.data && books.data.items.length > 0 ? (
          <select value={bookId} onChange={(e) => setBookId(e.target.value)} data-testid="exit-book">
            <option value="">—</option>
            {books.data.items.map((b) => (
              <option key={b.id} value={b.id}>
                {b.bookNo} · {b.regime}
              </option>
            ))}
          </select>
        ) : (
          <input className="mono" value={bookId} onChange={(e) => setBookId(e.target.value)} data-testid="exit-book" />
        )}
        {field('bookId')}
      </label>
      <label>
        {t('decl.col.port')}
        <select value={portCode} onChange={(e) => setPortCode(e.target.value)} data-testid="exit-port">
          {PORT_CODES.map((p) => (
            <option key={p} value={p}>
              {portLabel(p, lang)}
            </option>
          ))}
        </select>
        {field('portCode')}
      </label>
      <label>
        {t('decl.form.province')}
        <input value={province} onChange={(e) => setProvince(e.target.value)} />
        {field('destination.province')}
      </label>
      <label>
        {t('decl.form.consignee')}
        <input value={consignee} onChange={(e) => setConsignee(e.target.value)} data-testid="exit-consignee" />
        {field('consignee.name')}
      </label>
      <label>
        {t('decl.form.plate')}
        <input value={plate} onChange={(e) => setPlate(e.target.value)} data-testid="exit-plate" />
        {field('transport.plate')}
      </label>
      <label>
        {t('decl.form.containers')}
        <input className="mono" value={containers} onChange={(e) => setContainers(e.target.value)} />
        {field('transport.containers')}
      </label>
      <label>
        {t('decl.form.seals')}
        <input className="mono" value={seals} onChange={(e) => setSeals(e.target.value)} />
        {field('transport.seals')}
      </label>
      <label>
        {t('decl.form.gross')}
        <input value={gross} onChange={(e) => setGross(e.target.value)} data-testid="exit-gross" />
        {field('transport.expectedGrossWeightKg')}
      </label>
      <label>
        {t('decl.form.packages')}
        <input value={packages} onChange={(e) => setPackages(e.target.value)} />
        {field('packages')}
      </label>
      <h3>{t('decl.goods')}</h3>
      {lines.map((l, i) => (
        <ExitLineFields key={i} i={i} line={l} items={items.data?.items ?? []} set={set} field={field} />
      ))}
      <div className="actions">
        <button type="button" onClick={() => setLines([...lines, emptyLine()])}>
          {t('decl.form.addLine')}
        </button>
        <button type="submit" disabled={submit.isPending} data-testid="exit-submit">
          {t('decl.form.submit')}
        </button>
      </div>
      {submit.error && <ErrorBox error={submit.error} fieldsShown={shown} />}
    </form>
  );
}
