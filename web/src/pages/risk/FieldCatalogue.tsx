import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { FeatureForm } from './FeatureEditorParts.tsx';

interface Field {
  name: string;
  type: string;
  scope: string;
  zh: string;
  en: string;
}

/** The fields an expression of this scope may read, with a filter, and the functions it may call. */
export function FieldCatalogue({ scope }: { scope: FeatureForm['scope'] }) {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState('');
  const fields = useQuery({
    queryKey: ['risk-fields'],
    queryFn: () => api<{ fields: Field[]; functions: string[] }>('GET', '/api/v1/risk/fields'),
  });
  const visible = useMemo(
    () =>
      (fields.data?.fields ?? []).filter(
        (f) =>
          // A SALE feature reads a duty-free sale's facts only; the others a declaration's (and a line's).
          (scope === 'SALE'
            ? f.scope === 'SALE'
            : f.scope !== 'SALE' && (scope === 'LINE' || f.scope === 'DECLARATION')) &&
          (!filter ||
            f.name.includes(filter) ||
            f.zh.includes(filter) ||
            f.en.toLowerCase().includes(filter.toLowerCase())),
      ),
    [fields.data, scope, filter],
  );
  return (
    <details className="catalogue">
      <summary>
        {t('risk.catalogue', { n: visible.length })} · {t('risk.functions')}:{' '}
        <span className="mono">{fields.data?.functions.join(', ')}</span>
      </summary>
      <input placeholder={t('risk.catalogueFilter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      <table className="table small">
        <tbody>
          {visible.map((f) => (
            <tr key={f.name}>
              <td className="mono">{f.name}</td>
              <td>{f.type}</td>
              <td>{lang === 'zh-CN' ? f.zh : f.en}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
