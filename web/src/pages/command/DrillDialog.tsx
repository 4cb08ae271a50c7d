import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { DrillRequest, DrillResult, WindowName } from '../../api/wire.ts';
import { COLUMNS } from './drillColumns.tsx';

/** The list behind a number: a modal dialog (Esc or the button closes it; focus moves in and back). */
export function DrillDialog({
  request,
  window,
  onClose,
}: {
  request: DrillRequest;
  window: WindowName;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const dialog = useRef<HTMLDivElement>(null);
  const query = new URLSearchParams({ panel: request.panel, window });
  for (const [k, v] of Object.entries(request.params ?? {})) if (v !== undefined) query.set(k, String(v));
  const q = useQuery({
    queryKey: ['command-drill', query.toString()],
    queryFn: () => api<DrillResult>('GET', `/api/v1/command/drill?${query}`),
  });

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus();
    };
  }, [onClose]);

  const panelTitle = t(`command.drill.title.${request.panel}` as MessageKey);
  const title = request.subtitle ? `${panelTitle} · ${request.subtitle}` : panelTitle;
  const columns = COLUMNS[request.panel];
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: closes on a click outside
    <div className="cc-overlay" onClick={onClose}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only keeps a click inside the dialog from closing it */}
      <div
        className="cc-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        ref={dialog}
        onClick={(e) => e.stopPropagation()}
        data-testid="cc-drill"
      >
        <div className="cc-dialog-head">
          <h2>{title}</h2>
          <button type="button" onClick={onClose} data-testid="cc-drill-close">
            {t('command.drill.close')}
          </button>
        </div>
        {q.isLoading && <Spinner />}
        {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
        {q.data && (
          <>
            <p className="muted" data-testid="cc-drill-total">
              {t('command.drill.shown', { total: q.data.total, shown: q.data.items.length })}
            </p>
            {q.data.items.length === 0 ? (
              <p>{t('command.drill.empty')}</p>
            ) : (
              <div className="cc-table-wrap">
                <table className="table" data-testid="cc-drill-table">
                  <thead>
                    <tr>
                      {columns.map((c) => (
                        <th key={c.key} className={c.num ? 'num' : undefined}>
                          {t(c.key)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {q.data.items.map((r, i) => (
                      <tr key={i}>
                        {columns.map((c) => (
                          <td key={c.key} className={c.num ? 'num' : undefined}>
                            {c.cell(r, t, lang)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
