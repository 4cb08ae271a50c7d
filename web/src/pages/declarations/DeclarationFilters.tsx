import type { DeclarationKind, DeclarationState } from '../../api/wire.ts';
import { PORT_CODES, portLabel } from '../../api/ports.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt } from '../../i18n/officer.ts';
import type { MessageKey } from '../../i18n/zh-CN.ts';

const STATES: DeclarationState[] = ['SUBMITTED', 'HELD', 'ACCEPTED', 'RELEASED', 'EXITED', 'REJECTED', 'CANCELLED'];
const KINDS: DeclarationKind[] = ['SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION'];
export const SORTS = ['-createdAt', 'createdAt', '-businessDate', 'businessDate'] as const;
export type DeclarationSort = (typeof SORTS)[number];

/** The list's filters as the URL holds them ('' = any; the state 'ALL' = any, chosen against the default). */
export interface ListFilters {
  state: string;
  kind: string;
  port: string;
  uscc: string;
}

/** State, kind, port, the declarant's USCC (officers) and the order; each change goes to the URL. */
export function DeclarationFilters({
  filters: f,
  sort,
  officer,
  set,
}: {
  filters: ListFilters;
  sort: DeclarationSort;
  officer: boolean;
  set: (changes: Record<string, string | undefined>) => void;
}) {
  const { t, lang } = useI18n();
  const ot = useOt();
  return (
    <div className="search filters">
      <select
        aria-label={t('decl.col.state')}
        value={f.state}
        onChange={(e) => set({ state: e.target.value || 'ALL' })}
        data-testid="decl-filter-state"
      >
        <option value="ALL">{t('decl.allStates')}</option>
        {STATES.map((s) => (
          <option key={s} value={s}>
            {t(`decl.state.${s}` as MessageKey)}
          </option>
        ))}
      </select>
      <select
        aria-label={t('decl.col.kind')}
        value={f.kind}
        onChange={(e) => set({ kind: e.target.value })}
        data-testid="decl-filter-kind"
      >
        <option value="">{ot('decl.allKinds')}</option>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`decl.kind.${k}` as MessageKey)}
          </option>
        ))}
      </select>
      <select
        aria-label={t('decl.col.port')}
        value={f.port}
        onChange={(e) => set({ port: e.target.value })}
        data-testid="decl-filter-port"
      >
        <option value="">{ot('insp.allPorts')}</option>
        {PORT_CODES.map((c) => (
          <option key={c} value={c}>
            {portLabel(c, lang)}
          </option>
        ))}
      </select>
      {officer && (
        <input
          type="search"
          aria-label={ot('decl.searchUscc')}
          placeholder={ot('decl.searchUscc')}
          defaultValue={f.uscc}
          data-testid="decl-search"
          onKeyDown={(e) => e.key === 'Enter' && set({ uscc: e.currentTarget.value.trim().toUpperCase() })}
        />
      )}
      <select
        aria-label={ot('decl.sort')}
        value={sort}
        onChange={(e) => set({ sort: e.target.value })}
        data-testid="decl-sort"
      >
        {SORTS.map((s) => (
          <option key={s} value={s}>
            {ot(`decl.sort.${s}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
