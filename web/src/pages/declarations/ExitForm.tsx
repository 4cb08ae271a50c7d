import { useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { FieldMessage } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Declaration } from '../../api/wire.ts';
import { PORT_CODES, portLabel } from '../../api/ports.ts';

interface Line {
  itemId: string;
  quantity: string;
  valueCny: string;
  netWeightKg: string;
  dutyRate: string;
  vatRate: string;
  consumptionTaxRate: string;
  domesticVatPaid: boolean;
}

interface Book {
  id: string;
  regime: string;
  bookNo: string;
}
interface Item {
  id: string;
  itemNo: string;
  name: string;
  hsCode: string;
  unit: string;
  available?: string;
}

// No duty rate is assumed: left empty, the tariff table's applies; a 0 typed on goods that owe duty is refused.
const emptyLine = (): Line => ({
  itemId: '',
  quantity: '',
  valueCny: '',
  netWeightKg: '',
  dutyRate: '',
  vatRate: '0.13',
  consumptionTaxRate: '',
  domesticVatPaid: false,
});

/** The fields the form shows the server's findings at (the rest are listed under it). */
function shownFields(lineCount: number): string[] {
  return [
    'bookId',
    'portCode',
    'destination.province',
    'consignee.name',
    'transport.plate',
    'transport.containers',
    'transport.seals',
    'transport.expectedGrossWeightKg',
    'packages',
    ...Array.from({ length: lineCount }).flatMap((_, i) =>
      ['itemId', 'quantity', 'valueCny', 'netWeightKg', 'dutyRate', 'consumptionTaxRate'].map(
        (k) => `lines[${i}].${k}`,
      ),
    ),
  ];
}

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
        lines: lines.map((l) => ({
          itemId: l.itemId,
          quantity: l.quantity,
          valueCny: l.valueCny,
          netWeightKg: l.netWeightKg,
          ...(l.dutyRate ? { dutyRate: l.dutyRate } : {}),
          vatRate: l.vatRate,
          ...(l.consumptionTaxRate ? { consumptionTaxRate: l.consumptionTaxRate } : {}),
          domesticVatPaid: l.domesticVatPaid,
        })),
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

/** One goods line of the form: the book item, quantity, value, weight, rates and whether domestic VAT was paid. */
function ExitLineFields({
  i,
  line,
  items,
  set,
  field,
}: {
  i: number;
  line: Line;
  items: Item[];
  set: (i: number, patch: Partial<Line>) => void;
  field: (path: string) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <fieldset data-testid={`exit-line-${i}`}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the select or the input chosen inside */}
      <label>
        {t('decl.item')}
        {items.length > 0 ? (
          <select
            value={line.itemId}
            onChange={(e) => set(i, { itemId: e.target.value })}
            data-testid={`exit-line-${i}-item`}
          >
            <option value="">—</option>
            {items.map((it) => (
              <option key={it.id} value={it.id}>
                {it.itemNo} {it.name} ({it.hsCode}) {it.available ? `· ${it.available} ${it.unit}` : ''}
              </option>
            ))}
          </select>
        ) : (
          <input
            className="mono"
            value={line.itemId}
            onChange={(e) => set(i, { itemId: e.target.value })}
            data-testid={`exit-line-${i}-item`}
          />
        )}
        {field(`lines[${i}].itemId`)}
      </label>
      <label>
        {t('decl.quantity')}
        <input
          value={line.quantity}
          onChange={(e) => set(i, { quantity: e.target.value })}
          data-testid={`exit-line-${i}-quantity`}
        />
        {field(`lines[${i}].quantity`)}
      </label>
      <label>
        {t('decl.value')}
        <input
          value={line.valueCny}
          onChange={(e) => set(i, { valueCny: e.target.value })}
          data-testid={`exit-line-${i}-value`}
        />
        {field(`lines[${i}].valueCny`)}
      </label>
      <label>
        {t('decl.form.net')}
        <input
          value={line.netWeightKg}
          onChange={(e) => set(i, { netWeightKg: e.target.value })}
          data-testid={`exit-line-${i}-net`}
        />
        {field(`lines[${i}].netWeightKg`)}
      </label>
      <label>
        {t('decl.form.dutyRate')}
        <input
          value={line.dutyRate}
          onChange={(e) => set(i, { dutyRate: e.target.value })}
          data-testid={`exit-line-${i}-duty`}
        />
        {field(`lines[${i}].dutyRate`)}
      </label>
      <label>
        {t('decl.form.vatRate')}
        <select
          value={line.vatRate}
          onChange={(e) => set(i, { vatRate: e.target.value })}
          data-testid={`exit-line-${i}-vat`}
        >
          <option value="0.13">13%</option>
          <option value="0.09">9%</option>
        </select>
      </label>
      <label>
        {t('decl.form.ctRate')}
        <input value={line.consumptionTaxRate} onChange={(e) => set(i, { consumptionTaxRate: e.target.value })} />
        {field(`lines[${i}].consumptionTaxRate`)}
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={line.domesticVatPaid}
          onChange={(e) => set(i, { domesticVatPaid: e.target.checked })}
        />
        {t('decl.form.domesticVatPaid')}
      </label>
    </fieldset>
  );
}
