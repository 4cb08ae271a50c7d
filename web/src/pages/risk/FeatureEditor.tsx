import { useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import type { FeatureVersion } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';
import { FeatureSettings, useExpressionCheck, type FeatureForm } from './FeatureEditorParts.tsx';
import { FieldCatalogue } from './FieldCatalogue.tsx';

/**
 * The feature editor: a new feature, or a new version of one (the previous version's definition
 * filled in). The expression is checked by the server as the analyst types, with the column of any
 * error; saving makes a draft, never a live feature.
 */
export function FeatureEditor({ base }: { base?: FeatureVersion }) {
  const { t } = useI18n();
  const [form, setForm] = useState<FeatureForm>({
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
  const check = useExpressionCheck(form.expression, form.scope);
  const [error, setError] = useState<ApiError | null>(null);
  const explained = useExplain(error);
  const [saving, setSaving] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

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
      <FeatureSettings form={form} set={set} fixedCode={Boolean(base)} fieldError={fieldError} />
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
      <FieldCatalogue scope={form.scope} />
    </form>
  );
}
