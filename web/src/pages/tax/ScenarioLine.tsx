import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { Form, Line } from './scenarioForm.ts';

/** One goods line of the scenario: code, values, rates, quantities and, on a first-line import, the catalogue. */
export function ScenarioLine({
  form,
  line,
  i,
  set,
  setLine,
  errorAt,
}: {
  form: Form;
  line: Line;
  i: number;
  set: (patch: Partial<Form>) => void;
  setLine: (i: number, patch: Partial<Line>) => void;
  errorAt: (path: string) => string | undefined;
}) {
  const t = useT();
  const lineField = (
    i: number,
    k: keyof Omit<Line, 'inTaxedCatalogue' | 'vatRate'>,
    label: MessageKey,
    className = '',
  ) => (
    <label className={className}>
      {t(label)}
      <input
        data-testid={`sc-line${i}-${k}`}
        value={form.lines[i]![k]}
        aria-invalid={Boolean(errorAt(`lines[${i}].${k}`))}
        onChange={(e) => setLine(i, { [k]: e.target.value })}
      />
      {errorAt(`lines[${i}].${k}`) && <span className="field-error">{errorAt(`lines[${i}].${k}`)}</span>}
    </label>
  );

  return (
    <fieldset className="line grid" data-testid={`sc-line${i}`}>
      <legend>
        {t('tax.line')} {i + 1}
        {form.lines.length > 1 && (
          <button
            type="button"
            className="link"
            data-testid={`sc-line${i}-remove`}
            onClick={() => set({ lines: form.lines.filter((_, k) => k !== i) })}
          >
            {t('tax.line.remove')}
          </button>
        )}
      </legend>
      {lineField(i, 'hsCode', 'calc.hsCode')}
      {lineField(i, 'description', 'tax.line.description')}
      {lineField(i, 'value', 'tax.line.value')}
      {form.route === 'SECOND_LINE_EXIT' && lineField(i, 'importedContentValue', 'tax.line.importedContent')}
      {lineField(i, 'dutyRate', 'calc.dutyRate')}
      {lineField(i, 'consumptionTaxRate', 'calc.ctRate')}
      <label>
        {t('calc.vatRate')}
        <select
          data-testid={`sc-line${i}-vatRate`}
          value={line.vatRate}
          onChange={(e) => setLine(i, { vatRate: e.target.value })}
        >
          <option value="0.13">13%</option>
          <option value="0.09">9%</option>
        </select>
      </label>
      {lineField(i, 'quantity', 'tax.line.quantity')}
      {lineField(i, 'specificDutyPerUnit', 'tax.line.specificDuty')}
      {lineField(i, 'specificConsumptionTaxPerUnit', 'tax.line.specificCt')}
      {form.route === 'FIRST_LINE_IMPORT' && (
        <label className="check">
          <input
            type="checkbox"
            data-testid={`sc-line${i}-inTaxedCatalogue`}
            checked={line.inTaxedCatalogue}
            onChange={(e) => setLine(i, { inTaxedCatalogue: e.target.checked })}
          />
          {t('tax.fact.inTaxedCatalogue')}
        </label>
      )}
    </fieldset>
  );
}
