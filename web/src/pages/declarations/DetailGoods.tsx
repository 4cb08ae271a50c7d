import type { DeclarationDetailView } from '../../api/wire.ts';
import { useI18n } from '../../i18n/index.tsx';

/** The goods lines with their value added, and the book quantities reserved, posted and released. */
export function DeclarationLines({ x }: { x: DeclarationDetailView }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('decl.goods')}</h2>
      <table className="table" data-testid="decl-lines">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('decl.item')}</th>
            <th>HS</th>
            <th className="num">{t('decl.quantity')}</th>
            <th className="num">{t('decl.value')}</th>
            <th className="num">{t('decl.imported')}</th>
            <th>{t('decl.valueAdded')}</th>
          </tr>
        </thead>
        <tbody>
          {x.lines.map((l, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                {l.itemNo} {l.name}
              </td>
              <td className="mono small">{l.hsCode}</td>
              <td className="num">
                {l.quantity} {l.unit}
              </td>
              <td className="num">{l.valueCny}</td>
              <td className="num">{l.costBasis?.importedCny}</td>
              <td data-testid={`decl-va-${i}`}>
                {l.valueAdded
                  ? `${l.valueAdded.ratio} ${l.valueAdded.meetsThreshold ? '≥' : '<'} ${l.valueAdded.threshold}`
                  : '—'}
                {l.valueAdded?.confirmationNumber && (
                  <div className="mono small">{l.valueAdded.confirmationNumber}</div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {x.reservation && (
        <>
          <h2>{t('decl.movements')}</h2>
          <table className="table" data-testid="decl-movements">
            <thead>
              <tr>
                <th>{t('decl.item')}</th>
                <th className="num">{t('decl.reserved')}</th>
                <th className="num">{t('decl.posted')}</th>
                <th className="num">{t('decl.released')}</th>
              </tr>
            </thead>
            <tbody>
              {x.reservation.lines.map((l) => (
                <tr key={l.itemId}>
                  <td className="mono small">{l.itemId}</td>
                  <td className="num">{l.reserved}</td>
                  <td className="num">{l.posted}</td>
                  <td className="num">{l.released}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">
            {t('decl.reservation')} {x.reservation.id} · {x.reservation.status}
          </p>
        </>
      )}
    </>
  );
}

/** The taxes, with the formula of each line. */
export function DeclarationTaxes({ x }: { x: DeclarationDetailView }) {
  const { t } = useI18n();
  return (
    <>
      {x.taxes && (
        <>
          <h2>{t('decl.taxes')}</h2>
          <div className="cards" data-testid="decl-taxes">
            <div className="card">
              <div className="card-label">{t('decl.bill.duty')}</div>
              <div className="card-title" data-testid="decl-duty">
                {x.taxes.duty}
              </div>
            </div>
            <div className="card">
              <div className="card-label">{t('decl.bill.ct')}</div>
              <div className="card-title">{x.taxes.consumptionTax}</div>
            </div>
            <div className="card">
              <div className="card-label">{t('decl.bill.vat')}</div>
              <div className="card-title" data-testid="decl-vat">
                {x.taxes.vat}
              </div>
            </div>
            <div className="card">
              <div className="card-label">{t('decl.bill.total')}</div>
              <div className="card-title" data-testid="decl-total">
                {x.taxes.total}
              </div>
            </div>
          </div>
          <ul className="measures">
            {x.taxes.lines.map((l) => {
              const duty = l.steps.duty.status === 'DUE' ? l.steps.duty.formula : l.steps.duty.reason;
              const vat = l.steps.vat.status === 'DUE' ? l.steps.vat.formula : l.steps.vat.reason;
              return (
                <li key={l.lineIndex} className="formula" data-testid={`decl-formula-${l.lineIndex}`}>
                  #{l.lineIndex + 1} {t('decl.bill.duty')}: {duty} · {t('decl.bill.vat')}: {vat}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </>
  );
}
