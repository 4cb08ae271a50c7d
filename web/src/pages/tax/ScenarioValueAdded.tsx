import { useT } from '../../i18n/index.tsx';
import { MaterialsFields, type Materials } from './MaterialsFields.tsx';
import type { Form } from './scenarioForm.ts';

/** Where each of the materials fields is kept in the scenario form. */
const FORM_FIELD = {
  salePrice: 'vaSalePrice',
  imported: 'vaImported',
  domestic: 'vaDomestic',
  hainan: 'vaHainan',
} as const satisfies Record<keyof Materials, keyof Form>;

/** Processed goods leaving over the second line: their value added, as a ratio or from the materials. */
export function ScenarioValueAdded({
  form,
  set,
  errorAt,
}: {
  form: Form;
  set: (patch: Partial<Form>) => void;
  errorAt: (path: string) => string | undefined;
}) {
  const t = useT();
  const materials: Materials = {
    salePrice: form.vaSalePrice,
    imported: form.vaImported,
    domestic: form.vaDomestic,
    hainan: form.vaHainan,
  };
  return (
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
          <input data-testid="sc-va-ratio" value={form.vaRatio} onChange={(e) => set({ vaRatio: e.target.value })} />
        </label>
      ) : (
        <div className="grid">
          <MaterialsFields values={materials} onChange={(k, v) => set({ [FORM_FIELD[k]]: v })} testId="sc-va" />
        </div>
      )}
      {errorAt('valueAdded') && <span className="field-error">{errorAt('valueAdded')}</span>}
    </fieldset>
  );
}
