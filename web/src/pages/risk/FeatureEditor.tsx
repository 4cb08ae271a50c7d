import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import type { FeatureVersion } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';

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

interface Field {
  name: string;
  type: string;
  scope: string;
  zh: string;
  en: string;
}

interface Check {
  ok: boolean;
  fields: string[];
  errors: { message: string; rule: string; column: number }[];
}

/**
 * The feature editor: a new feature, or a new version of one (the previous version's definition
 * filled in). The expression is checked by the server as the analyst types, with the column of any
 * error; saving makes a draft, never a live feature.
 */
export function FeatureEditor({ base }: { base?: FeatureVersion }) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState({
    code: base?.code ?? '',
    name: base?.name ?? '',
    description: base?.description ?? '',
    category: base?.category ?? 'PRICE',
    scope: (base?.scope ?? 'LINE') as 'LINE' | 'DECLARATION' | 'SALE',
    expression: base?.expression ?? '',
    weight: base?.weight ? String(Number(base.weight)) : '10',
    forceLevel: base?.forceLevel ?? '',
    expiresOn: base?.expiresOn ?? '',
  });
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const explained = useExplain(error);
  const [saving, setSaving] = useState(false);
  const [filter, setFilter] = useState('');
  const fields = useQuery({
    queryKey: ['risk-fields'],
    queryFn: () => api<{ fields: Field[]; functions: string[] }>('GET', '/api/v1/risk/fields'),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  useEffect(() => {
    if (!form.expression.trim()) return setCheck(null);
    const timer = setTimeout(() => {
      api<Check>('POST', '/api/v1/risk/features/validate', { scope: form.scope, expression: form.expression }).then(
        setCheck,
        () => setCheck(null),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [form.expression, form.scope]);

  const visible = useMemo(
    () =>
      (fields.data?.fields ?? []).filter(
        (f) =>
          // A SALE feature reads a duty-free sale's facts only; the others a declaration's (and a line's).
          (form.scope === 'SALE'
            ? f.scope === 'SALE'
            : f.scope !== 'SALE' && (form.scope === 'LINE' || f.scope === 'DECLARATION')) &&
          (!filter ||
            f.name.includes(filter) ||
            f.zh.includes(filter) ||
            f.en.toLowerCase().includes(filter.toLowerCase())),
      ),
    [fields.data, form.scope, filter],
  );
  const fieldError = (path: string) => explained?.at(path).join(' ') || undefined;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = { ...form, forceLevel: form.forceLevel || null, expiresOn: form.expiresOn || null };
      const created = await api<FeatureVersion>('POST', '/api/v1/risk/features', body);
      navigate(`/risk/features/${created.code}`);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card feature-editor" onSubmit={save} data-testid="risk-feature-editor">
      <h2>{base ? t('risk.newVersionOf', { code: base.code }) : t('risk.newFeature')}</h2>
      <div className="grid2">
        <label>
          {t('risk.field.code')}
          <input
            className="mono"
            value={form.code}
            onChange={set('code')}
            disabled={Boolean(base)}
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
      <label>
        {t('risk.field.description')}
        <textarea
          rows={2}
          value={form.description}
          onChange={set('description')}
          data-testid="risk-field-description"
        />
        {fieldError('description') && <span className="field-error">{fieldError('description')}</span>}
      </label>
      <label>
        {t('risk.field.expression')}
        <textarea
          className="mono"
          rows={4}
          spellCheck={false}
          value={form.expression}
          onChange={set('expression')}
          data-testid="risk-field-expression"
          aria-invalid={check?.ok === false}
        />
      </label>
      {check?.ok === false && (
        <div className="field-error" data-testid="risk-expression-error">
          {check.errors.map((e) => e.message).join(' ')}
        </div>
      )}
      {check?.ok && (
        <div className="ok-box small" data-testid="risk-expression-ok">
          {t('risk.expressionOk', { fields: check.fields.join(', ') })}
        </div>
      )}
      {fieldError('expression') && <div className="field-error">{fieldError('expression')}</div>}
      {error && <ErrorBox error={error} fieldsShown={['code', 'description', 'expression']} />}
      <button type="submit" className="primary" disabled={saving} data-testid="risk-feature-save">
        {t('risk.saveDraft')}
      </button>
      <details className="catalogue">
        <summary>
          {t('risk.catalogue', { n: visible.length })} · {t('risk.functions')}:{' '}
          <span className="mono">{fields.data?.functions.join(', ')}</span>
        </summary>
        <input placeholder={t('risk.catalogueFilter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <table className="table small">
          <tbody>
            {visible.map((f) => (
              <tr key={f.name}>
                <td className="mono">{f.name}</td>
                <td>{f.type}</td>
                <td>{lang === 'zh-CN' ? f.zh : f.en}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </form>
  );
}
