import { useDt, useDtCode } from '../../i18n/dutyfree.ts';
import type { Facts, Part, PersonalScore } from '../../api/wire.ts';

/** A score's parts as words: "每次接近单次限量 +30". */
export function Parts({ parts, testId }: { parts: Part[]; testId?: string }) {
  const code = useDtCode();
  return (
    <span className="df-parts" data-testid={testId}>
      {parts.map((p) => (
        <span key={p.code} className={p.points < 0 ? 'df-part minus' : 'df-part'} title={`${p.code} = ${p.value}`}>
          {code('df.part', p.code)} {p.points >= 0 ? '+' : ''}
          {p.points}
        </span>
      ))}
    </span>
  );
}

export function FactsLine({ facts }: { facts: Facts }) {
  const dt = useDt();
  return (
    <span className="muted small">
      {dt('df.facts', {
        trips: facts.trips,
        repeat: facts.repeatCategory,
        near: facts.nearMaxTrips,
        freq: facts.frequentTripRuns,
        quota: facts.maxQuotaPercent,
        codes: facts.marketCodes,
      })}
    </span>
  );
}

/** A person's score, level and the records behind it: what the person and officers are told. */
export function CreditCard({ credit, lang }: { credit: PersonalScore; lang: string }) {
  const dt = useDt();
  return (
    <section className="card" data-testid="df-credit">
      <div className="card-label">{dt('df.credit.title')}</div>
      <div className={`card-value level-${credit.level}`} data-testid="df-credit-score">
        {dt('df.credit.score', {
          score: credit.score,
          level: `${credit.level} ${dt(`df.credit.level.${credit.level}`)}`,
        })}
      </div>
      {credit.reviewEverySale && <p className="warn">{dt('df.credit.reviewAll')}</p>}
      {credit.reasons.length === 0 ? (
        <p className="muted">{dt('df.credit.noReasons')}</p>
      ) : (
        <ul className="reasons" data-testid="df-credit-reasons">
          {credit.reasons.map((r) => (
            <li key={r.id}>
              <strong>{r.points > 0 ? `+${r.points}` : r.points}</strong> {lang === 'en' ? r.en : r.zh} · {r.occurredOn}
              {r.countsUntil ? ` · ${dt('df.credit.until', { date: r.countsUntil })}` : ''} — {r.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
