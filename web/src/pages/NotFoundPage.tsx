import { useT } from '../i18n/index.tsx';

/** A page no area answers: say so, and offer the way back. */
export function NotFoundPage() {
  const t = useT();
  return (
    <section className="not-found" data-testid="not-found">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <a href="#/" data-testid="not-found-home">
          {t('notFound.home')}
        </a>
      </p>
    </section>
  );
}
