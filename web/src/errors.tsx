/**
 * Errors people can act on: the server's rule codes (errors[].rule) and problem types in the user's
 * language, each at its field; the server's own wording, status, rule codes and request id behind
 * a "technical detail" disclosure. The rule texts are a chunk of their own, fetched on the first error.
 */
import { useEffect, useState } from 'react';
import { ApiError, type FieldError } from './api.ts';
import { useI18n, type Lang } from './i18n/index.tsx';

type RulesModule = typeof import('./i18n/rules.ts');
let rules: RulesModule | null = null;
let loading: Promise<RulesModule> | null = null;

/** The rule texts, fetched once when `needed` (so a page without an error loads none). */
function useRules(needed: boolean): RulesModule | null {
  const [m, setM] = useState<RulesModule | null>(rules);
  useEffect(() => {
    if (!needed || m) return;
    let live = true;
    loading ??= import('./i18n/rules.ts').then((x) => (rules = x));
    void loading.then((x) => live && setM(x));
    return () => {
      live = false;
    };
  }, [needed, m]);
  return m;
}

const pick = (text: readonly [string, string], lang: Lang) => (lang === 'zh-CN' ? text[0] : text[1]);

export function ruleText(m: RulesModule | null, e: FieldError, lang: Lang): string {
  if (!m) return '';
  const text =
    (e.rule && m.RULE_TEXTS[e.rule]) ||
    (e.rule?.startsWith('schema.') ? m.RULE_TEXTS['schema.custom'] : undefined) ||
    m.GENERAL_TEXT;
  return pick(text!, lang);
}

export interface Explanation {
  summary: string;
  /** Localized texts of the field errors at `path` (the path itself or anything under it). */
  at(path: string): string[];
  /** Field errors no form field shows (the caller lists which paths it shows). */
  rest(shown: readonly string[]): { path: string; text: string }[];
  technical: string | null;
}

const under = (path: string, p: string) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`);

export function useExplain(error: unknown): Explanation | null {
  const { t, lang } = useI18n();
  const m = useRules(error instanceof ApiError && error.status !== 0);
  if (!error) return null;
  if (!(error instanceof ApiError))
    return { summary: t('error.unexpected'), at: () => [], rest: () => [], technical: String(error) };
  if (error.status === 0) return { summary: t('error.network'), at: () => [], rest: () => [], technical: null };
  const problem = m?.PROBLEM_TEXTS[error.code];
  const summary = problem
    ? pick(problem, lang)
    : m
      ? pick(error.errors.length ? m.PROBLEM_TEXTS.validation! : m.REFUSED_TEXT, lang)
      : t('common.loading');
  const technical = [
    `HTTP ${error.status}${error.type ? ` · ${error.type}` : ''}`,
    `${error.title}${error.detail ? `: ${error.detail}` : ''}`,
    ...error.errors.map((e) => `${e.path || '(body)'}${e.rule ? ` [${e.rule}]` : ''}: ${e.message}`),
    ...(error.requestId ? [`request id: ${error.requestId}`] : []),
  ].join('\n');
  return {
    summary,
    at: (path) => error.errors.filter((e) => under(path, e.path)).map((e) => ruleText(m, e, lang)),
    rest: (shown) =>
      error.errors
        .filter((e) => !shown.some((p) => under(p, e.path)))
        .map((e) => ({ path: e.path, text: ruleText(m, e, lang) })),
    technical,
  };
}

/** The technical detail, folded away. */
export function TechnicalDetail({ text }: { text: string | null }) {
  const { t } = useI18n();
  if (!text) return null;
  return (
    <details className="technical" data-testid="error-technical">
      <summary>{t('error.technical')}</summary>
      <pre lang="en">{text}</pre>
    </details>
  );
}

/** The errors at one field: id for aria-describedby, a test id for tests. */
export function FieldMessage({
  error,
  path,
  id,
  testId,
}: {
  error: unknown;
  path: string;
  id?: string;
  testId?: string;
}) {
  const x = useExplain(error);
  const texts = x?.at(path) ?? [];
  if (texts.length === 0) return null;
  return (
    <span className="field-error" id={id} data-testid={testId} role="alert">
      {texts.join(' ')}
    </span>
  );
}
