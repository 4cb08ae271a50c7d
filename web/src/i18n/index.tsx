import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';
type Dictionary = Record<MessageKey, string>;
const STORAGE_KEY = 'tidegate.lang';

/** zh-CN is in the first script; English is fetched when chosen (a chunk of its own), then kept. */
const dictionaries: Partial<Record<Lang, Dictionary>> = { 'zh-CN': zhCN };
async function loadDictionary(lang: Lang): Promise<Dictionary> {
  dictionaries[lang] ??= lang === 'en' ? (await import('./en.ts')).en : zhCN;
  return dictionaries[lang]!;
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const stored: Lang = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  const [lang, setLangState] = useState<Lang>(() => (dictionaries[stored] ? stored : 'zh-CN'));
  const [ready, setReady] = useState(() => Boolean(dictionaries[stored]));
  useEffect(() => {
    // A stored English choice: fetch its dictionary before the first paint in English.
    if (!ready)
      void loadDictionary(stored).then(() => {
        setLangState(stored);
        setReady(true);
      });
  }, [ready, stored]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    void loadDictionary(l).then(() => setLangState(l));
  }, []);
  const t = useCallback(
    (key: MessageKey, vars?: Record<string, string | number>) => {
      let text = (dictionaries[lang] ?? zhCN)[key] ?? key;
      for (const [k, v] of Object.entries(vars ?? {})) text = text.replace(`{${k}}`, String(v));
      return text;
    },
    [lang],
  );
  if (!ready) return null;
  return <I18nContext.Provider value={{ lang, setLang, t }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export function useT() {
  return useI18n().t;
}
