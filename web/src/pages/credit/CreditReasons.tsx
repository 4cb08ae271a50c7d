import { useT } from '../../i18n/index.tsx';
import { useCreditLabels } from './labels.ts';
import type { Credit } from '../../api/wire.ts';

/** The class with its reasons: which rule, which inputs (department, date, document), since and until when. */
export function CreditSummary({ credit, testId }: { credit: Credit; testId: string }) {
  const t = useT();
  const labels = useCreditLabels();
  return (
    <>
      <div className={`badge class-${credit.class}`} data-testid={`${testId}-class`}>
        {t(`class.${credit.class}`)}
      </div>
      <div className="muted" data-testid={`${testId}-validity`}>
        {t('credit.asOfDate', { date: credit.asOf })} ·{' '}
        {credit.nextChange ? t('credit.changesOn', { date: credit.nextChange }) : t('credit.noAutomaticChange')}
      </div>
      <h4>{t('portal.reasons')}</h4>
      <ul className="reasons" data-testid={`${testId}-reasons`}>
        {credit.reasons.map((r, i) => (
          <li key={i}>
            <strong>{labels.rule(r.rule)}</strong>
            <span className="muted">
              {' '}
              · {t('portal.since')} {r.since}
              {r.until
                ? ` · ${t('credit.reasonUntil', { date: r.until })}`
                : r.rule.endsWith('lowestSectorRating')
                  ? ` · ${t('credit.untilRaised')}`
                  : ''}
            </span>
            {r.inputs && r.inputs.length > 0 && (
              <ul>
                {r.inputs.map((input) => (
                  <li key={input.id}>
                    {input.effectiveDate} · {labels.department(input.source)} · {labels.input(input)}
                    {input.reference ? ` · ${input.reference}` : ''}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
