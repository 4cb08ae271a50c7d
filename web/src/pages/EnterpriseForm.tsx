import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useExplain } from '../errors.tsx';
import type { Enterprise } from '../api/wire.ts';
import { EnterpriseFields, type EnterpriseDraft } from './EnterpriseFields.tsx';

const FIELDS = ['uscc', 'name', 'legalForm', 'industry', 'registeredInHainan', 'encouragedIndustry'] as const;

const empty: EnterpriseDraft = {
  uscc: '',
  name: '',
  registeredInHainan: true,
  industry: '',
  encouragedIndustry: false,
  legalForm: 'INDEPENDENT_LEGAL_PERSON',
};

/** Register an enterprise (USCC, name, legal form, industry): required fields checked here, the rest by the server. */
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

  const set = (k: keyof EnterpriseDraft, v: string | boolean) => {
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
      const created = await api<Enterprise>('POST', '/api/v1/enterprises', body, {
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

  return (
    <form className="card form" onSubmit={submit} data-testid="enterprise-form" noValidate>
      <h3>{t('subjects.create')}</h3>
      <EnterpriseFields form={form} set={set} messageAt={messageAt} />
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
