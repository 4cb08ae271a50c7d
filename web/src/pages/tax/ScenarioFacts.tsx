import { useT } from '../../i18n/index.tsx';
import type { ExitGoods } from '../../api/wire.ts';
import { CURRENCIES, type Form } from './scenarioForm.ts';
import { ScenarioValueAdded } from './ScenarioValueAdded.tsx';

/** The facts of the route (beneficiaries, goods, VAT paid), the currency, the day and the value added. */
export function ScenarioFacts({
  form,
  set,
  errorAt,
}: {
  form: Form;
  set: (patch: Partial<Form>) => void;
  errorAt: (path: string) => string | undefined;
}) {
  const t = useT();
  return (
    <>
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
        <ScenarioValueAdded form={form} set={set} errorAt={errorAt} />
      )}
    </>
  );
}
