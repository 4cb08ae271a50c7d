import { useT } from '../i18n/index.tsx';
import { TechnicalDetail, useExplain } from '../errors.tsx';

/**
 * What went wrong, in the user's language; with `fieldsShown`, the field errors that no field of the
 * form shows are listed too. The server's wording is behind the technical-detail disclosure.
 */
export function ErrorBox({
  error,
  onRetry,
  fieldsShown,
}: {
  error: unknown;
  onRetry?: () => void;
  fieldsShown?: readonly string[];
}) {
  const t = useT();
  const x = useExplain(error);
  if (!x) return null;
  const rest = fieldsShown ? x.rest(fieldsShown) : [];
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      <div className="error-main">
        <span data-testid="error-summary">{x.summary}</span>
        {rest.length > 0 && (
          <ul className="error-list">
            {rest.map((r, i) => (
              <li key={i}>{r.text}</li>
            ))}
          </ul>
        )}
        <TechnicalDetail text={x.technical} />
      </div>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
