import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';
import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ScenarioResultView } from './ScenarioResultView.tsx';
import type { ExitGoods, RouteKind, ScenarioResult } from '../../api/wire.ts';
import './calculator.css';

interface Line {
  hsCode: string;
  description: string;
  value: string;
  importedContentValue: string;
  dutyRate: string;
  consumptionTaxRate: string;
  vatRate: string;
  quantity: string;
  specificDutyPerUnit: string;
  specificConsumptionTaxPerUnit: string;
  inTaxedCatalogue: boolean;
}

interface Form {
  route: RouteKind;
  importerIsBeneficiary: boolean;
  transfereeIsBeneficiary: boolean;
  goods: ExitGoods;
  domesticVatPaid: boolean;
  currency: string;
  declarationDate: string;
  vaMode: 'materials' | 'ratio';
  vaRatio: string;
  vaSalePrice: string;
  vaImported: string;
  vaDomestic: string;
  vaHainan: string;
  lines: Line[];
}

const CURRENCIES = [
  'CNY',
  'USD',
  'EUR',
  'JPY',
  'HKD',
  'GBP',
  'AUD',
  'CAD',
  'CHF',
  'SGD',
  'NZD',
  'KRW',
  'MYR',
  'RUB',
  'THB',
];
const ROUTES: RouteKind[] = ['FIRST_LINE_IMPORT', 'ISLAND_TRANSFER', 'SECOND_LINE_EXIT', 'IMPORT'];

const blankLine: Line = {
  hsCode: '',
  description: '',
  value: '',
  importedContentValue: '',
  dutyRate: '0',
  consumptionTaxRate: '',
  vatRate: '0.13',
  quantity: '',
  specificDutyPerUnit: '',
  specificConsumptionTaxPerUnit: '',
  inTaxedCatalogue: false,
};
const base: Form = {
  route: 'FIRST_LINE_IMPORT',
  importerIsBeneficiary: true,
  transfereeIsBeneficiary: false,
  goods: 'ZERO_TARIFF',
  domesticVatPaid: false,
  currency: 'CNY',
  declarationDate: '',
  vaMode: 'materials',
  vaRatio: '',
  vaSalePrice: '',
  vaImported: '',
  vaDomestic: '',
  vaHainan: '',
  lines: [blankLine],
};

/** Worked examples anyone can start from; the GACC jerky is the one the customs notice gives. */
const EXAMPLES: { key: MessageKey; form: Form }[] = [
  {
    key: 'tax.example.jerky',
    form: {
      ...base,
      route: 'SECOND_LINE_EXIT',
      goods: 'PROCESSED',
      vaSalePrice: '500000',
      vaImported: '356000',
      lines: [
        {
          ...blankLine,
          hsCode: '1602500010',
          description: '牛肉干 beef jerky',
          value: '500000',
          importedContentValue: '356000',
          dutyRate: '0.12',
          vatRate: '0.09',
        },
      ],
    },
  },
  {
    key: 'tax.example.cosmetics',
    form: {
      ...base,
      route: 'SECOND_LINE_EXIT',
      goods: 'ZERO_TARIFF',
      domesticVatPaid: true,
      currency: 'JPY',
      lines: [
        {
          ...blankLine,
          hsCode: '3304990000',
          description: '护肤品 skin care',
          value: '2000000',
          importedContentValue: '1500000',
          dutyRate: '0.05',
          consumptionTaxRate: '0.15',
        },
      ],
    },
  },
  {
    key: 'tax.example.equipment',
    form: {
      ...base,
      route: 'FIRST_LINE_IMPORT',
      importerIsBeneficiary: true,
      currency: 'USD',
      lines: [
        {
          ...blankLine,
          hsCode: '8479899990',
          description: '生产设备 production machine',
          value: '250000',
          dutyRate: '0.08',
        },
        {
          ...blankLine,
          hsCode: '8703234190',
          description: '小轿车 passenger car',
          value: '40000',
          dutyRate: '0.15',
          consumptionTaxRate: '0.05',
          inTaxedCatalogue: true,
        },
      ],
    },
  },
];

const list = (s: string) => s.split(/[,，\s]+/).filter(Boolean);
const opt = (v: string) => (v.trim() ? v.trim() : undefined);

function requestBody(f: Form) {
  const route =
    f.route === 'FIRST_LINE_IMPORT'
      ? { kind: f.route, importerIsBeneficiary: f.importerIsBeneficiary }
      : f.route === 'ISLAND_TRANSFER'
        ? { kind: f.route, transfereeIsBeneficiary: f.transfereeIsBeneficiary }
        : f.route === 'SECOND_LINE_EXIT'
          ? { kind: f.route, goods: f.goods, domesticVatPaid: f.domesticVatPaid }
          : { kind: f.route };
  const processed = f.route === 'SECOND_LINE_EXIT' && f.goods === 'PROCESSED';
  return {
    route,
    currency: f.currency,
    ...(f.declarationDate ? { declarationDate: f.declarationDate } : {}),
    lines: f.lines.map((l) => ({
      hsCode: l.hsCode.trim(),
      description: opt(l.description),
      value: l.value.trim(),
      importedContentValue: f.route === 'SECOND_LINE_EXIT' ? opt(l.importedContentValue) : undefined,
      inTaxedCatalogue: f.route === 'FIRST_LINE_IMPORT' ? l.inTaxedCatalogue : undefined,
      dutyRate: l.dutyRate.trim(),
      consumptionTaxRate: opt(l.consumptionTaxRate),
      vatRate: l.vatRate,
      quantity: opt(l.quantity),
      specificDutyPerUnit: opt(l.specificDutyPerUnit),
      specificConsumptionTaxPerUnit: opt(l.specificConsumptionTaxPerUnit),
    })),
    ...(processed
      ? {
          valueAdded:
            f.vaMode === 'ratio'
              ? { ratio: f.vaRatio.trim() }
              : {
                  salePrice: f.vaSalePrice.trim(),
                  importedMaterials: list(f.vaImported),
                  domesticMaterials: list(f.vaDomestic),
                  hainanMadeInputs: list(f.vaHainan),
                },
        }
      : {}),
  };
}

/** The route-aware policy calculator: goods, values in a currency and a route → each tax, its formula and its rule. */
export function ScenarioCalculator() {
  const t = useT();
  const [form, setForm] = useState<Form>(EXAMPLES[0]!.form);
  const [result, setResult] = useState<ScenarioResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const explained = useExplain(error);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const setLine = (i: number, patch: Partial<Line>) =>
    set({ lines: form.lines.map((l, k) => (k === i ? { ...l, ...patch } : l)) });
  const errorAt = (path: string) => explained?.at(path).join(' ') || undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await api<ScenarioResult>('POST', '/api/v1/calc/scenario', requestBody(form)));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

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
    <section>
      <h2>{t('tax.scenario.title')}</h2>
      <p className="formula">{t('tax.scenario.intro')}</p>
      <div className="examples">
        {EXAMPLES.map((x) => (
          <button
            type="button"
            key={x.key}
            data-testid={x.key.replace('tax.example.', 'sc-example-')}
            onClick={() => {
              setForm(x.form);
              setResult(null);
              setError(null);
            }}
          >
            {t(x.key)}
          </button>
        ))}
      </div>
      <form className="card scenario" onSubmit={submit} data-testid="sc-form">
        <fieldset className="route">
          <legend>{t('tax.route')}</legend>
          {ROUTES.map((r) => (
            <label key={r} className="check">
              <input
                type="radio"
                name="route"
                data-testid={`sc-route-${r}`}
                checked={form.route === r}
                onChange={() => set({ route: r })}
              />
              {t(`tax.route.${r}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <div className="facts">
          {form.route === 'FIRST_LINE_IMPORT' && (
            <label className="check">
              <input
                type="checkbox"
                data-testid="sc-importerIsBeneficiary"
                checked={form.importerIsBeneficiary}
                onChange={(e) => set({ importerIsBeneficiary: e.target.checked })}
              />
              {t('tax.fact.importerIsBeneficiary')}
            </label>
          )}
          {form.route === 'ISLAND_TRANSFER' && (
            <label className="check">
              <input
                type="checkbox"
                data-testid="sc-transfereeIsBeneficiary"
                checked={form.transfereeIsBeneficiary}
                onChange={(e) => set({ transfereeIsBeneficiary: e.target.checked })}
              />
              {t('tax.fact.transfereeIsBeneficiary')}
            </label>
          )}
          {form.route === 'SECOND_LINE_EXIT' && (
            <>
              <label>
                {t('tax.fact.goods')}
                <select
                  data-testid="sc-goods"
                  value={form.goods}
                  onChange={(e) => set({ goods: e.target.value as ExitGoods })}
                >
                  <option value="ZERO_TARIFF">{t('tax.goods.ZERO_TARIFF')}</option>
                  <option value="PROCESSED">{t('tax.goods.PROCESSED')}</option>
                </select>
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="sc-domesticVatPaid"
                  checked={form.domesticVatPaid}
                  onChange={(e) => set({ domesticVatPaid: e.target.checked })}
                />
                {t('tax.fact.domesticVatPaid')}
              </label>
            </>
          )}
          <label>
            {t('tax.currency')}
            <select
              data-testid="sc-currency"
              value={form.currency}
              aria-invalid={Boolean(errorAt('currency'))}
              onChange={(e) => set({ currency: e.target.value })}
            >
              {CURRENCIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            {t('tax.declarationDate')}
            <input
              type="date"
              data-testid="sc-declarationDate"
              value={form.declarationDate}
              onChange={(e) => set({ declarationDate: e.target.value })}
            />
          </label>
        </div>
        {form.route === 'SECOND_LINE_EXIT' && form.goods === 'PROCESSED' && (
          <fieldset className="va">
            <legend>{t('tax.va.title')}</legend>
            <label className="check">
              <input
                type="radio"
                name="vaMode"
                checked={form.vaMode === 'materials'}
                onChange={() => set({ vaMode: 'materials' })}
              />
              {t('tax.va.modeMaterials')}
            </label>
            <label className="check">
              <input
                type="radio"
                name="vaMode"
                data-testid="sc-va-mode-ratio"
                checked={form.vaMode === 'ratio'}
                onChange={() => set({ vaMode: 'ratio' })}
              />
              {t('tax.va.modeRatio')}
            </label>
            {form.vaMode === 'ratio' ? (
              <label>
                {t('calc.va.ratio')}
                <input
                  data-testid="sc-va-ratio"
                  value={form.vaRatio}
                  onChange={(e) => set({ vaRatio: e.target.value })}
                />
              </label>
            ) : (
              <div className="grid">
                <label>
                  {t('calc.va.salePrice')}
                  <input
                    data-testid="sc-va-salePrice"
                    value={form.vaSalePrice}
                    onChange={(e) => set({ vaSalePrice: e.target.value })}
                  />
                </label>
                <label>
                  {t('calc.va.imported')}
                  <input
                    data-testid="sc-va-imported"
                    value={form.vaImported}
                    onChange={(e) => set({ vaImported: e.target.value })}
                  />
                </label>
                <label>
                  {t('calc.va.domestic')}
                  <input value={form.vaDomestic} onChange={(e) => set({ vaDomestic: e.target.value })} />
                </label>
                <label>
                  {t('calc.va.hainan')}
                  <input value={form.vaHainan} onChange={(e) => set({ vaHainan: e.target.value })} />
                </label>
              </div>
            )}
            {errorAt('valueAdded') && <span className="field-error">{errorAt('valueAdded')}</span>}
          </fieldset>
        )}
        {form.lines.map((line, i) => (
          <fieldset className="line grid" key={i} data-testid={`sc-line${i}`}>
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
        ))}
        <div className="actions">
          <button
            type="button"
            data-testid="sc-add-line"
            onClick={() => set({ lines: [...form.lines, blankLine] })}
            disabled={form.lines.length >= 20}
          >
            {t('tax.line.add')}
          </button>
          <button type="submit" className="primary" data-testid="sc-submit" disabled={busy}>
            {t('calc.compute')}
          </button>
        </div>
        {error ? (
          <div data-testid="sc-error">
            <ErrorBox error={error} fieldsShown={[...form.lines.map((_, i) => `lines[${i}]`), 'valueAdded']} />
          </div>
        ) : null}
        {busy && <Spinner />}
      </form>
      {result && <ScenarioResultView result={result} />}
    </section>
  );
}
