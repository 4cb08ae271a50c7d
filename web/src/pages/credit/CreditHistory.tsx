import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { History } from '../../api/wire.ts';

/** The server's cause ("input <id>", "withdrawal of <id>", "bulk import <id>", "automatic (daily sweep)"…) in words. */
function causeKey(cause: string): MessageKey | null {
  if (cause.startsWith('input ')) return 'credit.cause.input';
  if (cause.startsWith('withdrawal of ')) return 'credit.cause.withdrawal';
  if (cause.startsWith('bulk ')) return 'credit.cause.bulk';
  if (cause.startsWith('automatic')) return 'credit.cause.automatic';
  return null;
}

/** The class over time as the rules derive it from the inputs, and the changes as they were published. */
export function CreditHistory({ history, testId }: { history: History; testId: string }) {
  const t = useT();
  return (
    <>
      <h4>{t('credit.timeline')}</h4>
      {history.timeline.length === 0 ? (
        <p className="muted">{t('credit.timelineEmpty')}</p>
      ) : (
        <ol className="timeline" data-testid={`${testId}-timeline`}>
          {history.timeline.map((c) => (
            <li key={c.date}>
              {c.date} · {t(`class.${c.from}` as MessageKey)} →{' '}
              <span className={`class-${c.to}`}>{t(`class.${c.to}` as MessageKey)}</span>
            </li>
          ))}
        </ol>
      )}
      {history.items.length > 0 && (
        <>
          <h4>{t('credit.history')}</h4>
          <table className="table" data-testid={`${testId}-history`}>
            <thead>
              <tr>
                <th>{t('credit.col.date')}</th>
                <th>{t('credit.col.from')}</th>
                <th>{t('credit.col.to')}</th>
                <th>{t('credit.col.cause')}</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((c) => (
                <tr key={c.seq}>
                  <td>{c.effectiveDate}</td>
                  <td>{c.from ? t(`class.${c.from}` as MessageKey) : ''}</td>
                  <td>{t(`class.${c.to}` as MessageKey)}</td>
                  <td title={c.cause}>{causeKey(c.cause) ? t(causeKey(c.cause)!) : c.cause}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
