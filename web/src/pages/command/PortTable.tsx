/** Each port's trucks passed and diverted, its queue and its median clearance; every number opens its list. */
import { useI18n } from '../../i18n/index.tsx';
import { formatDuration } from '../../format.ts';
import type { DrillRequest, Summary } from '../../api/wire.ts';
import { portName } from './options.ts';
import { NumButton } from './parts.tsx';

export function PortTable({ s, onDrill }: { s: Summary; onDrill: (d: DrillRequest) => void }) {
  const { t, lang } = useI18n();
  const clearanceOf = (code: string) => s.clearance.ports.find((c) => c.code === code)!;
  return (
    <div className="cc-table-wrap">
      <table className="cc-table" data-testid="cc-port-table">
        <thead>
          <tr>
            <th scope="col">{t('command.col.port')}</th>
            <th scope="col" className="num">
              {t('command.col.passed')}
            </th>
            <th scope="col" className="num">
              {t('command.col.diverted')}
            </th>
            <th scope="col" className="num">
              {t('command.col.queue')}
            </th>
            <th scope="col" className="num">
              {t('command.col.p50')}
            </th>
          </tr>
        </thead>
        <tbody>
          {s.ports.map((p) => {
            const name = portName(p, lang);
            const clearance = clearanceOf(p.code);
            return (
              <tr key={p.code} data-testid={`cc-port-${p.code}`}>
                <th scope="row">{name}</th>
                <td className="num">
                  <NumButton
                    n={p.passed}
                    testId={`cc-port-${p.code}-passed`}
                    label={`${name} ${t('command.col.passed')}`}
                    onClick={() =>
                      onDrill({ panel: 'gate', params: { port: p.code, decision: 'PASS' }, subtitle: name })
                    }
                  />
                </td>
                <td className="num">
                  <NumButton
                    n={p.diverted}
                    testId={`cc-port-${p.code}-diverted`}
                    label={`${name} ${t('command.col.diverted')}`}
                    onClick={() =>
                      onDrill({ panel: 'gate', params: { port: p.code, decision: 'DIVERT' }, subtitle: name })
                    }
                  />
                </td>
                <td className="num">
                  <NumButton
                    n={p.queue}
                    testId={`cc-port-${p.code}-queue`}
                    label={`${name} ${t('command.col.queue')}`}
                    onClick={() => onDrill({ panel: 'inspections', params: { port: p.code }, subtitle: name })}
                  />
                </td>
                <td className="num">
                  {clearance.n ? (
                    <button
                      type="button"
                      className="cc-num-button"
                      onClick={() => onDrill({ panel: 'clearance', params: { port: p.code }, subtitle: name })}
                    >
                      {formatDuration(clearance.exitP50, lang)}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
