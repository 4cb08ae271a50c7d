import { ErrorBox } from '../components/ErrorBox.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useT } from '../i18n/index.tsx';
import { QUICK_TAX_FIELDS, QuickTaxForm } from './tax/QuickTaxForm.tsx';
import { ScenarioCalculator } from './tax/ScenarioCalculator.tsx';
import { useCalcRun } from './tax/useCalcRun.ts';
import { ValueAddedForm } from './tax/ValueAddedForm.tsx';

/** The public calculators: the route-aware scenario, the quick one-line tax and the value-added ratio. */
export function CalculatorPage() {
  const t = useT();
  const calc = useCalcRun();
  return (
    <section>
      <h1>{t('calc.title')}</h1>
      <ScenarioCalculator />
      <h2>{t('tax.quick.title')}</h2>
      <QuickTaxForm calc={calc} />
      <ValueAddedForm calc={calc} />
      {calc.error ? <ErrorBox error={calc.error} fieldsShown={['lines[0]', ...QUICK_TAX_FIELDS]} /> : null}
      {calc.busy && <Spinner />}
    </section>
  );
}
