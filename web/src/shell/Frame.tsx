import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** The page's frame: the brand, the header's right side and the content. */
export function Frame({ header, children, wide }: { header: ReactNode; children: ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <strong data-testid="app-name">{t('app.name')}</strong>
          <span className="tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar-right">{header}</div>
      </header>
      <main className={wide ? 'content wide' : 'content'}>{children}</main>
    </div>
  );
}

/** Switches between zh-CN and English (the button names the other language, in that language). */
export function LangButton() {
  const { t, lang, setLang } = useI18n();
  return (
    <button
      type="button"
      className="link-button"
      data-testid="lang-switch"
      lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
      onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.switch')}
    </button>
  );
}
