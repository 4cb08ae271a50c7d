import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import type { CalcValueAddedResult } from '../../api/wire.ts';
import { useT } from '../../i18n/index.tsx';
import { MaterialsFields, type Materials } from './MaterialsFields.tsx';
import type { CalcRun } from './useCalcRun.ts';

/** The value-added ratio of processed goods against its threshold (POST /api/v1/calc/value-added). */
export function ValueAddedForm({ calc }: { calc: CalcRun }) {
  const t = useT();
  const [va, setVa] = useState<Materials>({ salePrice: '500000', imported: '356000', domestic: '', hainan: '' });
  const [result, setResult] = useState<CalcValueAddedResult | null>(null);
  const list = (s: string) => s.split(/[,，\s]+/).filter(Boolean);
  return (
    <form
      className="card form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void calc.run(
          () =>
            api<CalcValueAddedResult>('POST', '/api/v1/calc/value-added', {
              salePrice: va.salePrice,
              importedMaterials: list(va.imported),
              domesticMaterials: list(va.domestic),
              hainanMadeInputs: list(va.hainan),
            }),
          setResult,
        );
      }}
    >
      <h3>{t('calc.va.title')}</h3>
      <MaterialsFields values={va} onChange={(k, v) => setVa({ ...va, [k]: v })} testId="va" />
      <button type="submit" className="primary" data-testid="va-submit" disabled={calc.busy}>
        {t('calc.compute')}
      </button>
      {result && (
        <p data-testid="va-result" className={result.meetsThreshold ? 'ok-box' : 'error-box'}>
          {t('calc.va.ratio')}: <strong>{result.ratio}</strong> —{' '}
          {result.meetsThreshold
            ? t('calc.va.meets', { t: result.threshold })
            : t('calc.va.fails', { t: result.threshold })}
        </p>
      )}
    </form>
  );
}
