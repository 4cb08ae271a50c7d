import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { TariffRates } from '../../api/firstline.ts';
import { useI18n } from '../../i18n/index.tsx';

/** The tariff table's rates and legal unit for a complete code (and origin), from the public rates look-up. */
export function RatesHint({ code, origin, index }: { code: string; origin: string; index: number }) {
  const { t } = useI18n();
  const c = code.trim();
  const o = origin.trim().toUpperCase();
  const ready = /^\d{10}$/.test(c);
  const q = useQuery({
    queryKey: ['tariff-rates', c, o],
    enabled: ready,
    retry: false,
    staleTime: 60_000,
    queryFn: () =>
      api<TariffRates>('GET', `/api/v1/calc/tariff-rates?code=${c}${/^[A-Z]{2}$/.test(o) ? `&origin=${o}` : ''}`),
  });
  if (!ready) return <p className="muted small">{t('fl.form.rateHint')}</p>;
  return (
    <p className="small" data-testid={`fl-line-rates-${index}`}>
      {t('fl.rates.title')}:{' '}
      {q.data
        ? [
            t('fl.rates.duty', { rate: q.data.duty.rate, kind: t(`fl.rateKind.${q.data.duty.kind}`) }),
            ...(q.data.consumptionTax ? [t('fl.rates.ct', { rate: q.data.consumptionTax.rate })] : []),
            t('fl.rates.vat', { rate: q.data.vatRate }),
            t('fl.rates.unit', { unit: q.data.unit }),
          ].join(' · ')
        : q.error
          ? t('fl.rates.missing')
          : '…'}
    </p>
  );
}
