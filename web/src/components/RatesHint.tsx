import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { TariffRates } from '../api/firstline.ts';
import { useI18n } from '../i18n/index.tsx';

type Duty = { rate: string; perUnit?: string | undefined };

/**
 * The tariff table's rates and legal unit for a complete code (and origin), from the public rates look-up:
 * shown read-only wherever a form leaves the rates to the platform (first-line lines, exit lines). `children`
 * is the place for the server's refusal of the line's rates (e.g. no tariff line on the day), at this field.
 */
export function RatesHint({
  code,
  origin,
  testId,
  children,
}: {
  code: string;
  origin: string;
  testId: string;
  children?: ReactNode;
}) {
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
  // A specific (per-unit) part is the table's too: shown beside the ad valorem rate, never asked for.
  const rate = (d: Duty, unit: string) =>
    d.perUnit && !/^0*\.?0*$/.test(d.perUnit)
      ? `${d.rate} + ${t('fl.rates.perUnit', { amount: d.perUnit, unit })}`
      : d.rate;
  if (!ready)
    return (
      <div data-testid={testId}>
        <p className="muted small">{t('fl.form.rateHint')}</p>
        {children}
      </div>
    );
  const d = q.data;
  return (
    <div data-testid={testId}>
      <p className="small" data-testid={`${testId}-text`}>
        {t('fl.rates.title')}:{' '}
        {d
          ? [
              t('fl.rates.duty', { rate: rate(d.duty, d.unit), kind: t(`fl.rateKind.${d.duty.kind}`) }),
              ...(d.consumptionTax ? [t('fl.rates.ct', { rate: rate(d.consumptionTax, d.unit) })] : []),
              t('fl.rates.vat', { rate: d.vatRate }),
              t('fl.rates.unit', { unit: d.unit }),
            ].join(' · ')
          : q.error
            ? t('fl.rates.missing')
            : '…'}
      </p>
      {children}
    </div>
  );
}
