import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { Book, FirstLineDirection } from '../../api/firstline.ts';
import { FIRST_LINE_PORT_CODES, portLabel } from '../../api/ports.ts';
import { FieldMessage } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { TRANSPORT, type HeadDraft, type Transport } from './formBody.ts';

/** The declaration's own fields: direction, first-line port, transport, the foreign party, the book. */
export function FirstLineHead({
  head,
  error,
  onChange,
}: {
  head: HeadDraft;
  error: unknown;
  onChange: (patch: Partial<HeadDraft>) => void;
}) {
  const { t, lang } = useI18n();
  const books = useQuery({ queryKey: ['books'], queryFn: () => api<{ items: Book[] }>('GET', '/api/v1/ledger/books') });
  return (
    <>
      <div className="grid2">
        <label>
          {t('fl.form.direction')}
          <select
            value={head.direction}
            onChange={(e) => onChange({ direction: e.target.value as FirstLineDirection })}
            data-testid="fl-dir"
          >
            <option value="IMPORT">{t('fl.dir.IMPORT')}</option>
            <option value="EXPORT">{t('fl.dir.EXPORT')}</option>
          </select>
        </label>
        <label>
          {t('fl.form.port')}
          <select value={head.port} onChange={(e) => onChange({ port: e.target.value })} data-testid="fl-port">
            {FIRST_LINE_PORT_CODES.map((c) => (
              <option key={c} value={c}>
                {portLabel(c, lang)}
              </option>
            ))}
          </select>
          <FieldMessage error={error} path="port" />
        </label>
        <label>
          {t('fl.form.transport')}
          <select value={head.transport} onChange={(e) => onChange({ transport: e.target.value as Transport })}>
            {TRANSPORT.map((m) => (
              <option key={m} value={m}>
                {t(`fl.form.transport.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fl.form.counterpart')}
          <input
            value={head.counterpart}
            className="mono"
            onChange={(e) => onChange({ counterpart: e.target.value })}
            data-testid="fl-counterpart"
          />
          <FieldMessage error={error} path="counterpartCountry" />
        </label>
        <label>
          {t('fl.form.foreignParty')}
          <input
            value={head.foreignParty}
            onChange={(e) => onChange({ foreignParty: e.target.value })}
            data-testid="fl-party"
          />
          <FieldMessage error={error} path="foreignParty" />
        </label>
        <label>
          {t('fl.form.book')}
          <select
            value={head.bookId}
            onChange={(e) => onChange({ bookId: e.target.value })}
            data-testid="fl-book"
            data-raw
          >
            <option value="">{t('fl.form.noBook')}</option>
            {(books.data?.items ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.bookNo} · {t(`ledger.regime.${b.regime}`)}
              </option>
            ))}
          </select>
          <FieldMessage error={error} path="bookId" />
        </label>
      </div>
      {head.direction === 'IMPORT' && (
        <label className="check">
          <input
            type="checkbox"
            checked={head.directRelease}
            onChange={(e) => onChange({ directRelease: e.target.checked })}
          />
          {t('fl.form.directRelease')}
        </label>
      )}
    </>
  );
}
