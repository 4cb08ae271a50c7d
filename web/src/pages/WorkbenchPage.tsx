import { useT } from '../i18n/index.tsx';
import { SubjectsPanel } from './SubjectsPanel.tsx';
import { CreditLookupPanel } from './CreditLookupPanel.tsx';

export function WorkbenchPage() {
  const t = useT();
  return (
    <section>
      <h1>{t('workbench.title')}</h1>
      <h2>{t('credit.lookup')}</h2>
      <CreditLookupPanel />
      <h2>{t('workbench.subjects')}</h2>
      <SubjectsPanel />
    </section>
  );
}
