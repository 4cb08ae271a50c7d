import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import type { CalcTaxResult } from '../../api/wire.ts';
import { useT } from '../../i18n/index.tsx';
import type { CalcRun } from './useCalcRun.ts';

/** The quick calculator's one line: its fields are also the ones its errors are shown beside. */
export const QUICK_TAX_FIELDS = ['hsCode', 'customsValue', 'dutyRate', 'consumptionTaxRate', 'vatRate'] as const;

/** One line's duty, consumption tax and VAT from the rates typed in (POST /api/v1/calc/tax). */
export function QuickTaxForm({ calc }: { calc: CalcRun }) {
  const t = useT();
  const [line, setLine] = useState({
    hsCode: '3304990000',
    customsValue: '10000',
    dutyRate: '0.05',
    consumptionTaxRate: '0.15',
    vatRate: '0.13',
  });
  const [tax, setTax] = useState<CalcTaxResult | null>(null);
  // The tax calculator names `lines[0].<field>`, the value-added one the field itself.
  const messageAt = (k: string) => [...calc.messagesAt(`lines[0].${k}`), ...calc.messagesAt(k)].join(' ');

  const field = (k: keyof typeof line, label: string) => (
    <label>
      {label}
      <input data-testid={`calc-${k}`} value={line[k]} onChange={(e) => setLine({ ...line, [k]: e.target.value })} />
      {messageAt(k) && <span className="field-error">{messageAt(k)}</span>}
    </label>
  );

  return (
    <form
      className="card form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void calc.run(
          () =>
            api<CalcTaxResult>('POST', '/api/v1/calc/tax', {
              lines: [{ ...line, consumptionTaxRate: line.consumptionTaxRate || undefined }],
            }),
          setTax,
        );
      }}
    >
      {field('hsCode', t('calc.hsCode'))}
      {field('customsValue', t('calc.customsValue'))}
      {field('dutyRate', t('calc.dutyRate'))}
      {field('consumptionTaxRate', t('calc.ctRate'))}
      {field('vatRate', t('calc.vatRate'))}
      <button type="submit" className="primary" data-testid="calc-submit" disabled={calc.busy}>
        {t('calc.compute')}
      </button>
      {tax && <TaxResultTable tax={tax} />}
    </form>
  );
}

/** The quick calculation's taxes, each with its formula. */
function TaxResultTable({ tax }: { tax: CalcTaxResult }) {
  const t = useT();
  return (
    <table className="table" data-testid="calc-result">
      <tbody>
        <tr>
          <th>{t('calc.duty')}</th>
          <td className="num">{tax.duty}</td>
          <td className="formula">{tax.lines[0]?.formulas.duty}</td>
        </tr>
        <tr>
          <th>{t('calc.ct')}</th>
          <td className="num">{tax.consumptionTax}</td>
          <td className="formula">{tax.lines[0]?.formulas.consumptionTax}</td>
        </tr>
        <tr>
          <th>{t('calc.vat')}</th>
          <td className="num">{tax.vat}</td>
          <td className="formula">{tax.lines[0]?.formulas.vat}</td>
        </tr>
        <tr>
          <th>{t('calc.total')}</th>
          <td className="num" data-testid="calc-total">
            {tax.total}
          </td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}
