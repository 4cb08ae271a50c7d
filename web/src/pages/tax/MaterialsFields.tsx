import { useT } from '../../i18n/index.tsx';

/** The value-added ratio's materials, as people type them (lists of amounts in CNY). */
export interface Materials {
  salePrice: string;
  imported: string;
  domestic: string;
  hainan: string;
}

/**
 * The sale price and the three lists of materials the value-added ratio is computed from, shared by the
 * quick value-added calculator and the scenario calculator (`testId` prefixes the two fields tests fill).
 */
export function MaterialsFields({
  values,
  onChange,
  testId,
}: {
  values: Materials;
  onChange: (field: keyof Materials, value: string) => void;
  testId: string;
}) {
  const t = useT();
  return (
    <>
      <label>
        {t('calc.va.salePrice')}
        <input
          data-testid={`${testId}-salePrice`}
          value={values.salePrice}
          onChange={(e) => onChange('salePrice', e.target.value)}
        />
      </label>
      <label>
        {t('calc.va.imported')}
        <input
          data-testid={`${testId}-imported`}
          value={values.imported}
          onChange={(e) => onChange('imported', e.target.value)}
        />
      </label>
      <label>
        {t('calc.va.domestic')}
        <input value={values.domestic} onChange={(e) => onChange('domestic', e.target.value)} />
      </label>
      <label>
        {t('calc.va.hainan')}
        <input value={values.hainan} onChange={(e) => onChange('hainan', e.target.value)} />
      </label>
    </>
  );
}
