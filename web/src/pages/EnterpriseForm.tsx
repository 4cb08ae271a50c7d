import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useExplain } from '../errors.tsx';

const FIELDS = ['uscc', 'name', 'legalForm', 'industry', 'registeredInHainan', 'encouragedIndustry'] as const;

const LEGAL_FORMS = ['INDEPENDENT_LEGAL_PERSON', 'BRANCH', 'PUBLIC_INSTITUTION', 'NON_PROFIT', 'OTHER'] as const;
const empty = {
  uscc: '',
  name: '',
  registeredInHainan: true,
  industry: '',
  encouragedIndustry: false,
  legalForm: 'INDEPENDENT_LEGAL_PERSON' as string,
};

export function EnterpriseForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [form, setForm] = useState(empty);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<unknown>(null);
  const explained = useExplain(serverError);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt: a double click or a retry after a timeout never registers twice.
  const attemptKey = useRef<string | null>(null);

  const set = (k: keyof typeof empty, v: string | boolean) => {
    setForm({ ...form, [k]: v });
    attemptKey.current = null;
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setServerError(null);
    setDone(null);
    const local: Record<string, string> = {};
    if (!form.uscc.trim()) local.uscc = t('field.required');
    if (!form.name.trim()) local.name = t('field.required');
    setFieldErrors(local);
    if (Object.keys(local).length) return;
    attemptKey.current ??= crypto.randomUUID();
    setBusy(true);
    try {
      const body = {
        uscc: form.uscc.trim(),
        name: form.name.trim(),
        registeredInHainan: form.registeredInHainan,
        legalForm: form.legalForm,
        encouragedIndustry: form.encouragedIndustry,
        ...(form.industry.trim() ? { industry: form.industry.trim() } : {}),
      };
      const created = await api<{ name: string }>('POST', '/api/v1/enterprises', body, {
        'idempotency-key': attemptKey.current,
      });
      setDone(t('subjects.created', { name: created.name }));
      setForm(empty);
      attemptKey.current = null;
      onCreated();
    } catch (err) {
      setServerError(err);
      attemptKey.current = null;
    } finally {
      setBusy(false);
    }
  }

  // The form's own check (required) first, else what the server said of the field, in words.
  const messageAt = (k: string) => fieldErrors[k] ?? explained?.at(k).join(' ') ?? '';
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
    <form className="card form" onSubmit={submit} data-testid="enterprise-form" noValidate>
      <h3>{t('subjects.create')}</h3>
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
      {serverError ? <ErrorBox error={serverError} fieldsShown={FIELDS} /> : null}
      {done && (
        <div className="ok-box" data-testid="form-done">
          {done}
        </div>
      )}
      <button type="submit" className="primary" data-testid="enterprise-submit" disabled={busy}>
        {t('subjects.create')}
      </button>
      {busy && <Spinner />}
    </form>
  );
}
