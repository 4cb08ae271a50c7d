import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';

const CATEGORIES = [
  'PRICE',
  'WEIGHT',
  'CLASSIFICATION',
  'VALUE_ADDED',
  'TIMING',
  'TRADER',
  'CREDIT',
  'HISTORY',
  'ROUTE',
  'NETWORK',
  'GOODS',
] as const;

interface Check {
  ok: boolean;
  fields: string[];
  errors: { message: string; rule: string; column: number }[];
}

export interface FeatureForm {
  code: string;
  name: string;
  description: string;
  category: string;
  scope: 'LINE' | 'DECLARATION' | 'SALE';
  expression: string;
  weight: string;
  forceLevel: string;
  expiresOn: string;
}

/** The server's check of an expression, asked 250 ms after the analyst stops typing. */
export function useExpressionCheck(expression: string, scope: FeatureForm['scope']): Check | null {
  const [check, setCheck] = useState<Check | null>(null);
  useEffect(() => {
    if (!expression.trim()) return setCheck(null);
    const timer = setTimeout(() => {
      api<Check>('POST', '/api/v1/risk/features/validate', { scope, expression }).then(setCheck, () => setCheck(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [expression, scope]);
  return check;
}

/** Code, name, category, scope, weight, forced level and expiry of a feature being edited. */
export function FeatureSettings({
  form,
  set,
  fixedCode,
  fieldError,
}: {
  form: FeatureForm;
  set: (k: keyof FeatureForm) => (e: { target: { value: string } }) => void;
  fixedCode: boolean;
  fieldError: (path: string) => string | undefined;
}) {
  const { t } = useI18n();
  return (
    <div className="grid2">
      <label>
        {t('risk.field.code')}
        <input
          className="mono"
          value={form.code}
          onChange={set('code')}
          disabled={fixedCode}
          data-testid="risk-field-code"
          aria-invalid={Boolean(fieldError('code'))}
        />
        {fieldError('code') && <span className="field-error">{fieldError('code')}</span>}
      </label>
      <label>
        {t('risk.field.name')}
        <input value={form.name} onChange={set('name')} data-testid="risk-field-name" />
      </label>
      <label>
        {t('risk.field.category')}
        <select value={form.category} onChange={set('category')} data-testid="risk-field-category">
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`risk.category.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('risk.field.scope')}
        <select value={form.scope} onChange={set('scope')} data-testid="risk-field-scope">
          <option value="LINE">{t('risk.scope.LINE')}</option>
          <option value="DECLARATION">{t('risk.scope.DECLARATION')}</option>
          <option value="SALE">{t('risk.scope.SALE')}</option>
        </select>
      </label>
      <label>
        {t('risk.field.weight')}
        <input
          type="number"
          min="0"
          max="100"
          step="0.5"
          value={form.weight}
          onChange={set('weight')}
          data-testid="risk-field-weight"
        />
      </label>
      <label>
        {t('risk.field.forceLevel')}
        <select value={form.forceLevel} onChange={set('forceLevel')} data-testid="risk-field-force">
          <option value="">{t('risk.force.none')}</option>
          <option value="YELLOW">{t('risk.level.YELLOW')}</option>
          <option value="RED">{t('risk.level.RED')}</option>
        </select>
      </label>
      <label>
        {t('risk.field.expiresOn')}
        <input type="date" value={form.expiresOn} onChange={set('expiresOn')} data-testid="risk-field-expires" />
      </label>
    </div>
  );
}
