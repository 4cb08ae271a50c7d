import { useState } from 'react';
import type { Level } from '../../api/wire.ts';
import { PORT_NAMES } from '../../api/ports.ts';
import { useI18n } from '../../i18n/index.tsx';

/** The alert queue's filters: the levels shown, the port and the trader (USCC, taken on submit). */
export function AlertFilters({
  levels,
  onToggle,
  port,
  onPort,
  onTrader,
}: {
  levels: Level[];
  onToggle: (level: Level) => void;
  port: string;
  onPort: (port: string) => void;
  onTrader: (uscc: string) => void;
}) {
  const { t, lang } = useI18n();
  const [traderDraft, setTraderDraft] = useState('');
  return (
    <form
      className="search filters"
      onSubmit={(e) => {
        e.preventDefault();
        onTrader(traderDraft.trim().toUpperCase());
      }}
    >
      {(['RED', 'YELLOW', 'BLUE'] as const).map((l) => (
        <label key={l} className="check">
          <input
            type="checkbox"
            checked={levels.includes(l)}
            onChange={() => onToggle(l)}
            data-testid={`risk-filter-${l}`}
          />
          <span className={`level level-${l}`}>{t(`risk.level.${l}`)}</span>
        </label>
      ))}
      <select
        value={port}
        onChange={(e) => onPort(e.target.value)}
        data-testid="risk-filter-port"
        aria-label={t('risk.col.port')}
      >
        <option value="">{t('risk.allPorts')}</option>
        {Object.entries(PORT_NAMES).map(([code, names]) => (
          <option key={code} value={code}>
            {lang === 'zh-CN' ? names[0] : names[1]}
          </option>
        ))}
      </select>
      <input
        className="mono"
        placeholder={t('risk.traderPlaceholder')}
        value={traderDraft}
        onChange={(e) => setTraderDraft(e.target.value)}
        data-testid="risk-filter-trader"
      />
      <button type="submit" data-testid="risk-filter-submit">
        {t('common.search')}
      </button>
    </form>
  );
}
