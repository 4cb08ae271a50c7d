import type { BookItem, FirstLineDirection, FirstLineLineKind } from '../../api/firstline.ts';
import { FieldMessage } from '../../errors.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { kindsFor, type LineDraft } from './formBody.ts';
import { RatesHint } from '../../components/RatesHint.tsx';

/**
 * A line's fields. A book line names its book item (code, unit and origin are the item's); a taxed or
 * general line its 10-digit code, unit and origin. No rate is asked: the tariff table's are shown.
 */
export function LineFields({
  line,
  index,
  direction,
  items,
  error,
  onChange,
}: {
  line: LineDraft;
  index: number;
  direction: FirstLineDirection;
  items: readonly BookItem[];
  error: unknown;
  onChange: (patch: Partial<LineDraft>) => void;
}) {
  const { t } = useI18n();
  const field = (key: keyof LineDraft, label: string, opts: { mono?: boolean; mode?: 'decimal' } = {}) => (
    <label key={key}>
      {label}
      <input
        value={line[key]}
        inputMode={opts.mode}
        className={opts.mono ? 'mono' : undefined}
        onChange={(e) => onChange({ [key]: e.target.value })}
        data-testid={`fl-line-${key}-${index}`}
      />
      <FieldMessage error={error} path={`lines[${index}].${key}`} testId={`fl-line-${key}-${index}-error`} />
    </label>
  );
  return (
    <div className="grid2">
      <label>
        {t('fl.form.kind')}
        <select
          value={line.kind}
          onChange={(e) => onChange({ kind: e.target.value as FirstLineLineKind })}
          data-testid={`fl-line-kind-${index}`}
        >
          {kindsFor(direction).map((k) => (
            <option key={k} value={k}>
              {t(`fl.form.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {line.kind === 'BOOK' ? (
        <label>
          {t('fl.form.item')}
          <select
            value={line.itemId}
            onChange={(e) => onChange({ itemId: e.target.value })}
            data-testid={`fl-line-item-${index}`}
            data-raw
          >
            <option value="">{t('fl.form.chooseItem')}</option>
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.itemNo} · {i.name} · {i.hsCode}
              </option>
            ))}
          </select>
          <FieldMessage error={error} path={`lines[${index}].itemId`} />
        </label>
      ) : (
        <>
          {field('hsCode', t('fl.form.hsCode'), { mono: true })}
          {field('originCountry', t('fl.form.origin'), { mono: true })}
          {field('unit', t('fl.form.unit'), { mono: true })}
        </>
      )}
      {field('description', t('fl.form.description'))}
      {field('quantity', t('fl.form.quantity'), { mode: 'decimal' })}
      {field('netWeightKg', t('fl.form.netWeight'), { mode: 'decimal' })}
      {field('valueCny', t('fl.form.value'), { mode: 'decimal' })}
      {field('licenceNumber', t('fl.form.licence'), { mono: true })}
      {line.kind === 'TAXED' && field('certificateNumber', t('fl.form.certificate'), { mono: true })}
      {line.kind !== 'BOOK' && (
        <RatesHint code={line.hsCode} origin={line.originCountry} testId={`fl-line-rates-${index}`} />
      )}
    </div>
  );
}
