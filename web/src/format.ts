/**
 * Dates, numbers and money in the user's language, always in Asia/Shanghai time (the customs
 * business day), whatever the browser's own time zone.
 */
import type { Lang } from './i18n/index.tsx';

export const TIME_ZONE = 'Asia/Shanghai';
const locale = (lang: Lang) => (lang === 'zh-CN' ? 'zh-CN' : 'en-GB');

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(lang: Lang, kind: 'dateTime' | 'date' | 'time'): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const date = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    const time = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    const opts = kind === 'date' ? date : kind === 'time' ? time : { ...date, ...time };
    f = new Intl.DateTimeFormat(locale(lang), { ...opts, timeZone: TIME_ZONE });
    cache.set(key, f);
  }
  return f;
}

/** "2026/11/23 10:05" (zh-CN) or "23/11/2026, 10:05" (English), Shanghai time. */
export function formatDateTime(iso: string | Date | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? String(iso) : dtf(lang, 'dateTime').format(d);
}

export function formatTime(iso: string | Date | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return dtf(lang, 'time').format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function formatDate(iso: string | Date | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  // A bare business date (YYYY-MM-DD) is already a Shanghai date: format it as such, at noon there.
  const d =
    typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00+08:00`) : new Date(iso);
  return dtf(lang, 'date').format(d);
}

export function formatInt(n: number, lang: Lang): string {
  return n.toLocaleString(locale(lang), { maximumFractionDigits: 0 });
}

export function formatPercent(part: number, whole: number, lang: Lang): string {
  if (!whole) return '—';
  return (part / whole).toLocaleString(locale(lang), { style: 'percent', maximumFractionDigits: 1 });
}

/**
 * A decimal string of yuan, grouped, with its two decimals as given: no trip through a float, so
 * 12345678901234.57 stays exact.
 */
export function formatMoney(decimal: string, lang: Lang): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!m) return decimal;
  const grouped = BigInt(m[2]!).toLocaleString(locale(lang));
  const fraction = (m[3] ?? '').padEnd(2, '0');
  return `${m[1]}${grouped}.${fraction}`;
}

/** A duration in seconds as "2 小时 05 分" / "2 h 05 min" (under an hour: minutes; under a minute: seconds). */
export function formatDuration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined) return '—';
  const zh = lang === 'zh-CN';
  if (seconds < 60) return zh ? `${seconds} 秒` : `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return zh ? `${minutes} 分钟` : `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const mm = String(minutes % 60).padStart(2, '0');
  if (h < 48) return zh ? `${h} 小时 ${mm} 分` : `${h} h ${mm} min`;
  const days = (minutes / 1440).toLocaleString(locale(lang), { maximumFractionDigits: 1 });
  return zh ? `${days} 天` : `${days} d`;
}
