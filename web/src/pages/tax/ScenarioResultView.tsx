import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { ScenarioResult, Step } from '../../api/wire.ts';

/** The rule behind a step in the reader's language; the server's English sentence when the page has no text for it. */
export function useRuleText() {
  const t = useT();
  return (rule: string, fallback: string) => {
    const key = `tax.rule.${rule}` as MessageKey;
    const text = t(key);
    return text === key ? fallback : text;
  };
}

const STEPS = ['dutiableValue', 'duty', 'consumptionTax', 'vat'] as const;
const STEP_LABEL: Record<(typeof STEPS)[number], MessageKey> = {
  dutiableValue: 'tax.step.dutiableValue',
  duty: 'calc.duty',
  consumptionTax: 'calc.ct',
  vat: 'calc.vat',
};

function StepRow({ name, step, line }: { name: (typeof STEPS)[number]; step: Step; line: number }) {
  const t = useT();
  const ruleText = useRuleText();
  return (
    <tr className={`step-${step.status}`} data-testid={`sc-line${line}-${name}`}>
      <th>{t(STEP_LABEL[name])}</th>
      <td className="num" data-testid={`sc-line${line}-${name}-amount`}>
        {step.amount}
      </td>
      <td>
        {name === 'dutiableValue' ? (
          ''
        ) : (
          <span className={`status status-${step.status}`}>{t(`tax.status.${step.status}` as MessageKey)}</span>
        )}
      </td>
      <td className="formula mono">{step.formula}</td>
      <td className="rule">
        {ruleText(step.rule, step.reason ?? step.rule)}
        <span className="rule-id mono">{step.rule}</span>
      </td>
    </tr>
  );
}

/** Every tax of every line with its formula and the rule behind it, then the totals. */
export function ScenarioResultView({ result }: { result: ScenarioResult }) {
  const t = useT();
  const ruleText = useRuleText();
  return (
    <div className="card" data-testid="sc-result">
      <h3>{t('tax.result.title')}</h3>
      <ul className="notes" data-testid="sc-notes">
        {result.notes.map((n) => (
          <li key={n.rule} data-rule={n.rule}>
            {ruleText(n.rule, n.text)}
          </li>
        ))}
      </ul>
      {result.valueAdded && (
        <p className={result.valueAdded.meetsThreshold ? 'ok-box' : 'error-box'} data-testid="sc-va">
          {t('calc.va.ratio')}: <strong>{result.valueAdded.ratio}</strong> —{' '}
          {result.valueAdded.meetsThreshold
            ? t('calc.va.meets', { t: result.valueAdded.threshold })
            : t('calc.va.fails', { t: result.valueAdded.threshold })}
          {result.valueAdded.cumulationApplied && ` (${t('tax.va.cumulated')})`}
          {result.valueAdded.formula && <span className="formula mono"> {result.valueAdded.formula}</span>}
        </p>
      )}
      {result.lines.map((line, i) => (
        <table className="table steps" key={i} data-testid={`sc-result-line${i}`}>
          <caption>
            <span className="mono">{line.hsCode}</span> {line.description} — {line.value} {result.currency}
            {line.conversion && (
              <span className="formula">
                {' '}
                ·{' '}
                {t('tax.result.conversion', {
                  rate: line.conversion.rate,
                  unit: line.conversion.unit,
                  rateDate: line.conversion.rateDate,
                })}
              </span>
            )}
          </caption>
          <thead>
            <tr>
              <th>{t('tax.result.step')}</th>
              <th className="num">{t('tax.result.amount')}</th>
              <th>{t('tax.result.status')}</th>
              <th>{t('tax.result.formula')}</th>
              <th>{t('tax.result.rule')}</th>
            </tr>
          </thead>
          <tbody>
            {STEPS.map((s) => (
              <StepRow key={s} name={s} step={line[s]} line={i} />
            ))}
          </tbody>
        </table>
      ))}
      {result.dutyWaived && (
        <p className="formula" data-testid="sc-waived">
          {t('tax.result.thresholdWaived', { amount: result.dutyBeforeThreshold })}
        </p>
      )}
      <table className="table totals" data-testid="sc-totals">
        <tbody>
          <tr>
            <th>{t('calc.duty')}</th>
            <td className="num" data-testid="sc-duty">
              {result.duty}
            </td>
          </tr>
          <tr>
            <th>{t('calc.ct')}</th>
            <td className="num" data-testid="sc-ct">
              {result.consumptionTax}
            </td>
          </tr>
          <tr>
            <th>{t('calc.vat')}</th>
            <td className="num" data-testid="sc-vat">
              {result.vat}
            </td>
          </tr>
          <tr className="total">
            <th>{t('tax.result.total')}</th>
            <td className="num" data-testid="sc-total">
              {result.total}
            </td>
          </tr>
        </tbody>
      </table>
      <p className="formula" data-testid="sc-versions">
        {t('tax.result.parameters')}:{' '}
        {Object.entries(result.parameterVersions)
          .map(([k, v]) => `${k} v${v}`)
          .join(' · ')}{' '}
        · {t('tax.declarationDate')} {result.declarationDate}
      </p>
    </div>
  );
}
