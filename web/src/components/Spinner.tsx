import { useT } from '../i18n/index.tsx';

export function Spinner() {
  const t = useT();
  return (
    <div className="spinner" role="status" data-testid="spinner">
      <span className="spinner-dot" />
      {t('common.loading')}
    </div>
  );
}
