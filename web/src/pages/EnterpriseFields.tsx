import { useT } from '../i18n/index.tsx';

const LEGAL_FORMS = ['INDEPENDENT_LEGAL_PERSON', 'BRANCH', 'PUBLIC_INSTITUTION', 'NON_PROFIT', 'OTHER'] as const;

/** A new enterprise as the form holds it. */
export interface EnterpriseDraft {
  uscc: string;
  name: string;
  registeredInHainan: boolean;
  industry: string;
  encouragedIndustry: boolean;
  legalForm: string;
}

/** The new enterprise's fields, each with its message (the form's own check or the server's) tied to it. */
export function EnterpriseFields({
  form,
  set,
  messageAt,
}: {
  form: EnterpriseDraft;
  set: (k: keyof EnterpriseDraft, v: string | boolean) => void;
  messageAt: (k: string) => string;
}) {
  const t = useT();
  const err = (k: string) =>
    messageAt(k) ? (
      <span className="field-error" id={`enterprise-error-${k}`} data-testid={`field-error-${k}`}>
        {messageAt(k)}
      </span>
    ) : null;
  const invalid = (k: string) => ({
    'aria-invalid': Boolean(messageAt(k)),
    'aria-describedby': messageAt(k) ? `enterprise-error-${k}` : undefined,
  });
  return (
    <>
      <label>
        {t('field.uscc')}
        <input
          data-testid="field-uscc"
          className="mono"
          maxLength={18}
          value={form.uscc}
          onChange={(e) => set('uscc', e.target.value.toUpperCase())}
          {...invalid('uscc')}
        />
        {err('uscc')}
      </label>
      <label>
        {t('field.name')}
        <input
          data-testid="field-name"
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
          {...invalid('name')}
        />
        {err('name')}
      </label>
      <label>
        {t('field.legalForm')}
        <select data-testid="field-legalForm" value={form.legalForm} onChange={(e) => set('legalForm', e.target.value)}>
          {LEGAL_FORMS.map((f) => (
            <option key={f} value={f}>
              {t(`form.${f}`)}
            </option>
          ))}
        </select>
        {err('legalForm')}
      </label>
      <label>
        {t('field.industry')}
        <input data-testid="field-industry" value={form.industry} onChange={(e) => set('industry', e.target.value)} />
        {err('industry')}
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="field-registeredInHainan"
          checked={form.registeredInHainan}
          onChange={(e) => set('registeredInHainan', e.target.checked)}
        />
        {t('field.registeredInHainan')}
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="field-encouragedIndustry"
          checked={form.encouragedIndustry}
          onChange={(e) => set('encouragedIndustry', e.target.checked)}
        />
        {t('field.encouragedIndustry')}
      </label>
    </>
  );
}
