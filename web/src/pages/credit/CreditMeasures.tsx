import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { Measures } from '../../api/wire.ts';

const percent = (rate: string) => `${(Number(rate) * 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}%`;

/** What the class means at the second line: inspection rate, batch exit, audits. */
export function CreditMeasures({ measures, enterprise }: { measures: Measures; enterprise: boolean }) {
  const t = useT();
  const rate = measures.inspectionRate;
  return (
    <ul className="measures" data-testid="credit-measures">
      <li>
        {rate.kind === 'MULTIPLIER'
          ? t('credit.measure.multiplier', { rate: percent(rate.multiplier) })
          : t('credit.measure.floor', { rate: percent(rate.minimumRate) })}
      </li>
      {!measures.inspectWithoutRiskAlert && <li>{t('credit.measure.onlyOnRiskAlert')}</li>}
      {enterprise && <li>{measures.batchExitAllowed ? t('credit.batchExit') : t('credit.measure.noBatchExit')}</li>}
      {enterprise && <li>{t(`credit.audit.${measures.auditFrequency}` as MessageKey)}</li>}
    </ul>
  );
}
