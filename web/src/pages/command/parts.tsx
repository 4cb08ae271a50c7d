/** The command centre's building blocks: a headline number, a panel, a number that opens its list. */
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { formatInt } from '../../format.ts';

export function Kpi({
  label,
  value,
  sub,
  tone,
  onDrill,
  href,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  tone?: string;
  onDrill?: () => void;
  /** A link to the page with the list behind the number (instead of the drill dialog). */
  href?: string;
  testId: string;
}) {
  return (
    <div className={`cc-kpi ${tone ?? ''}`}>
      <div className="cc-kpi-label">{label}</div>
      {onDrill ? (
        <button type="button" className="cc-kpi-value cc-num-button" onClick={onDrill} data-testid={testId}>
          {value}
        </button>
      ) : href ? (
        <a className="cc-kpi-value cc-num-button" href={href} data-testid={testId}>
          {value}
        </a>
      ) : (
        <div className="cc-kpi-value" data-testid={testId}>
          {value}
        </div>
      )}
      {sub && <div className="cc-kpi-sub">{sub}</div>}
    </div>
  );
}

export function Panel({
  title,
  children,
  className,
  testId,
}: {
  title: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`cc-panel ${className ?? ''}`} data-testid={testId} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function NumButton({
  n,
  onClick,
  testId,
  label,
}: {
  n: number;
  onClick: () => void;
  testId?: string;
  label: string;
}) {
  const { lang } = useI18n();
  return (
    <button
      type="button"
      className="cc-num-button"
      onClick={onClick}
      data-testid={testId}
      aria-label={label}
      disabled={n === 0}
    >
      {formatInt(n, lang)}
    </button>
  );
}
