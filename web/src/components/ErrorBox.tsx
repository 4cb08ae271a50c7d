import { ApiError } from '../api.ts';
import { useT } from '../i18n/index.tsx';

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const message = error instanceof ApiError ? (error.status === 0 ? t('error.network') : `${error.title}: ${error.detail}`) : String(error);
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      {message}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
