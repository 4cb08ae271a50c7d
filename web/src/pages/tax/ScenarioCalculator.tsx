import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useExplain } from '../../errors.tsx';
import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ScenarioResultView } from './ScenarioResultView.tsx';
import type { ScenarioResult } from '../../api/wire.ts';
import { EXAMPLES, ROUTES, blankLine, requestBody, type Form, type Line } from './scenarioForm.ts';
import { ScenarioFacts } from './ScenarioFacts.tsx';
import { ScenarioLine } from './ScenarioLine.tsx';
import './calculator.css';

/** The route-aware policy calculator: goods, values in a currency and a route → each tax, its formula and its rule. */
export function ScenarioCalculator() {
  const t = useT();
  const [form, setForm] = useState<Form>(EXAMPLES[0]!.form);
  const [result, setResult] = useState<ScenarioResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const explained = useExplain(error);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const setLine = (i: number, patch: Partial<Line>) =>
    set({ lines: form.lines.map((l, k) => (k === i ? { ...l, ...patch } : l)) });
  const errorAt = (path: string) => explained?.at(path).join(' ') || undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await api<ScenarioResult>('POST', '/api/v1/calc/scenario', requestBody(form)));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h2>{t('tax.scenario.title')}</h2>
      <p className="formula">{t('tax.scenario.intro')}</p>
      <div className="examples">
        {EXAMPLES.map((x) => (
          <button
            type="button"
            key={x.key}
            data-testid={x.key.replace('tax.example.', 'sc-example-')}
            onClick={() => {
              setForm(x.form);
              setResult(null);
              setError(null);
            }}
          >
            {t(x.key)}
          </button>
        ))}
      </div>
      <form className="card scenario" onSubmit={submit} data-testid="sc-form">
        <fieldset className="route">
          <legend>{t('tax.route')}</legend>
          {ROUTES.map((r) => (
            <label key={r} className="check">
              <input
                type="radio"
                name="route"
                data-testid={`sc-route-${r}`}
                checked={form.route === r}
                onChange={() => set({ route: r })}
              />
              {t(`tax.route.${r}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <ScenarioFacts form={form} set={set} errorAt={errorAt} />
        {form.lines.map((line, i) => (
          <ScenarioLine key={i} form={form} line={line} i={i} set={set} setLine={setLine} errorAt={errorAt} />
        ))}
        <div className="actions">
          <button
            type="button"
            data-testid="sc-add-line"
            onClick={() => set({ lines: [...form.lines, blankLine] })}
            disabled={form.lines.length >= 20}
          >
            {t('tax.line.add')}
          </button>
          <button type="submit" className="primary" data-testid="sc-submit" disabled={busy}>
            {t('calc.compute')}
          </button>
        </div>
        {error ? (
          <div data-testid="sc-error">
            <ErrorBox error={error} fieldsShown={[...form.lines.map((_, i) => `lines[${i}]`), 'valueAdded']} />
          </div>
        ) : null}
        {busy && <Spinner />}
      </form>
      {result && <ScenarioResultView result={result} />}
    </section>
  );
}
