import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useExplain } from '../errors.tsx';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ScenarioCalculator } from './tax/ScenarioCalculator.tsx';
import type { CalcTaxResult as TaxResult } from '../api/wire.ts';

export function CalculatorPage() {
  const t = useT();
  const [line, setLine] = useState({
    hsCode: '3304990000',
    customsValue: '10000',
    dutyRate: '0.05',
    consumptionTaxRate: '0.15',
    vatRate: '0.13',
  });
  const [tax, setTax] = useState<TaxResult | null>(null);
  const [va, setVa] = useState({ salePrice: '500000', imported: '356000', domestic: '', hainan: '' });
  const [vaResult, setVaResult] = useState<{ ratio: string; meetsThreshold: boolean; threshold: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const explained = useExplain(error);
  // The tax calculator names `lines[0].<field>`, the value-added one the field itself.
  const messageAt = (k: string) => [...(explained?.at(`lines[0].${k}`) ?? []), ...(explained?.at(k) ?? [])].join(' ');
  const [busy, setBusy] = useState(false);

  const list = (s: string) => s.split(/[,，\s]+/).filter(Boolean);

  async function run<T>(fn: () => Promise<T>, done: (r: T) => void) {
    setBusy(true);
    setError(null);
    try {
      done(await fn());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const field = (k: keyof typeof line, label: string) => (
    <label>
      {label}
      <input data-testid={`calc-${k}`} value={line[k]} onChange={(e) => setLine({ ...line, [k]: e.target.value })} />
      {messageAt(k) && <span className="field-error">{messageAt(k)}</span>}
    </label>
  );

  return (
    <section>
      <h1>{t('calc.title')}</h1>
      <ScenarioCalculator />
      <h2>{t('tax.quick.title')}</h2>
      <form
        className="card form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void run(
            () =>
              api<TaxResult>('POST', '/api/v1/calc/tax', {
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
        <button type="submit" className="primary" data-testid="calc-submit" disabled={busy}>
          {t('calc.compute')}
        </button>
        {tax && <TaxResultTable tax={tax} />}
      </form>
      <form
        className="card form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void run(
            () =>
              api<{ ratio: string; meetsThreshold: boolean; threshold: string }>('POST', '/api/v1/calc/value-added', {
                salePrice: va.salePrice,
                importedMaterials: list(va.imported),
                domesticMaterials: list(va.domestic),
                hainanMadeInputs: list(va.hainan),
              }),
            setVaResult,
          );
        }}
      >
        <h3>{t('calc.va.title')}</h3>
        <label>
          {t('calc.va.salePrice')}
          <input
            data-testid="va-salePrice"
            value={va.salePrice}
            onChange={(e) => setVa({ ...va, salePrice: e.target.value })}
          />
        </label>
        <label>
          {t('calc.va.imported')}
          <input
            data-testid="va-imported"
            value={va.imported}
            onChange={(e) => setVa({ ...va, imported: e.target.value })}
          />
        </label>
        <label>
          {t('calc.va.domestic')}
          <input value={va.domestic} onChange={(e) => setVa({ ...va, domestic: e.target.value })} />
        </label>
        <label>
          {t('calc.va.hainan')}
          <input value={va.hainan} onChange={(e) => setVa({ ...va, hainan: e.target.value })} />
        </label>
        <button type="submit" className="primary" data-testid="va-submit" disabled={busy}>
          {t('calc.compute')}
        </button>
        {vaResult && (
          <p data-testid="va-result" className={vaResult.meetsThreshold ? 'ok-box' : 'error-box'}>
            {t('calc.va.ratio')}: <strong>{vaResult.ratio}</strong> —{' '}
            {vaResult.meetsThreshold
              ? t('calc.va.meets', { t: vaResult.threshold })
              : t('calc.va.fails', { t: vaResult.threshold })}
          </p>
        )}
      </form>
      {error ? <ErrorBox error={error} fieldsShown={['lines[0]', ...Object.keys(line)]} /> : null}
      {busy && <Spinner />}
    </section>
  );
}

/** The quick calculation's taxes, each with its formula. */
function TaxResultTable({ tax }: { tax: TaxResult }) {
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
