/** The strip of registered enterprises and credit classes under the headline numbers. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';

/** Registered enterprises and credit classes (what the centre showed before the panels). */
export function SubjectsStrip() {
  const { t } = useI18n();
  const enterprises = useQuery({
    queryKey: ['enterprise-count'],
    queryFn: () => api<{ total: number }>('GET', '/api/v1/enterprises?pageSize=1'),
  });
  const classes = useQuery({
    queryKey: ['credit-stats'],
    queryFn: () =>
      api<{ items: { subjectKind: string; class: string; count: number }[] }>('GET', '/api/v1/credit/stats'),
  });
  const classified = (cls: string) =>
    classes.data?.items
      .filter((i) => i.subjectKind === 'ENTERPRISE' && i.class === cls)
      .reduce((s, i) => s + i.count, 0) ?? 0;
  const total = enterprises.data?.total ?? 0;
  // Enterprises without a stored class are WHITELIST by default: nothing to apply for.
  const white = Math.max(0, total - classified('ADVANCED_CERTIFIED') - classified('FOCUS'));
  const value = (loading: boolean, n: number) => (loading ? '…' : n);
  return (
    <section className="cc-strip" aria-label={t('command.subjects')}>
      <span className="cc-strip-title">{t('command.subjects')}</span>
      <span className="cc-chip" data-testid="card-enterprises">
        {t('command.enterprises')} <b>{value(enterprises.isLoading, total)}</b>
      </span>
      {(['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'] as const).map((c) => (
        <span className={`cc-chip class-${c}`} key={c} data-testid={`card-class-${c}`}>
          {t(`class.${c}`)} <b>{value(classes.isLoading, c === 'WHITELIST' ? white : classified(c))}</b>
        </span>
      ))}
      <span className="cc-chip class-FOCUS" data-testid="card-individuals-focus">
        {t('credit.individualsFocus')}{' '}
        <b>
          {value(
            classes.isLoading,
            classes.data?.items.find((i) => i.subjectKind === 'INDIVIDUAL' && i.class === 'FOCUS')?.count ?? 0,
          )}
        </b>
      </span>
      {(enterprises.error || classes.error) && <ErrorBox error={enterprises.error ?? classes.error} />}
    </section>
  );
}
