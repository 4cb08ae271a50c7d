import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { InputSummary } from '../../api/wire.ts';

/** Labels for codes that come from the server (rule ids, department codes): the code itself when unknown. */
export function useCreditLabels() {
  const { t } = useI18n();
  const known = (key: string, fallback: string) => {
    const text = t(key as MessageKey);
    return text === key ? fallback : text;
  };
  const department = (code: string) => known(`credit.dept.${code}`, code);
  const rule = (id: string) => known(`credit.rule.${id.split('.').pop()}`, id);
  const input = (i: InputSummary) => {
    if (i.type === 'SECTOR_RATING') {
      const rating = t('credit.input.rating', {
        department: department(i.department ?? i.source),
        level: i.level ?? '',
      });
      return i.isLowestLevel ? `${rating} (${t('credit.input.lowest')})` : rating;
    }
    if (i.type === 'EVENT') return known(`credit.event.${i.kind}`, i.kind ?? '');
    return known(`credit.aeo.${i.action}`, i.action ?? '');
  };
  return { department, rule, input };
}
