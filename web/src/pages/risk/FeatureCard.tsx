import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { FeatureVersion } from '../../api/wire.ts';
import { formatDateTime } from '../../format.ts';

/** A feature version's card: code, status, category, scope, weight, expression, author and approver. */
export function FeatureCard({ v }: { v: FeatureVersion }) {
  const { t, lang } = useI18n();
  const category = t(`risk.category.${v.category}` as 'risk.category.PRICE');
  const scope = t(`risk.scope.${v.scope}` as MessageKey);
  return (
    <div className="card">
      <div className="card-title">{v.name}</div>
      <div className="mono small">
        {v.code} v{v.version} ·{' '}
        <span className={`status status-${v.status}`} data-testid="risk-feature-status">
          {t(`risk.status.${v.status}` as MessageKey)}
        </span>{' '}
        · {category} · {scope} · {t('risk.field.weight')} {v.weight}
        {v.forceLevel ? ` · ≥${t(`risk.level.${v.forceLevel as 'RED'}`)}` : ''}
      </div>
      <p>{v.description}</p>
      <pre className="expression" data-testid="risk-feature-expression">
        {v.expression}
      </pre>
      <div className="small">
        {t('risk.author')} {v.createdBy} · {formatDateTime(v.createdAt, lang)}
        {v.approvedBy && (
          <>
            {' '}
            · {t('risk.approver')} {v.approvedBy}
          </>
        )}
        {v.retireReason && (
          <>
            {' '}
            · {t('risk.retired')}: {v.retireReason}
          </>
        )}
        {v.expiresOn && (
          <>
            {' '}
            · {t('risk.field.expiresOn')} {v.expiresOn}
          </>
        )}
      </div>
    </div>
  );
}
