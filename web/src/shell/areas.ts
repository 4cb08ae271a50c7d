/** The app's areas: which roles are officers, each area's route prefix and tab title. */
import { useEffect } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';

export const OFFICERS = ['admin', 'risk_analyst', 'inspector', 'auditor', 'command_viewer'];

/** Each area's tab title; `null`: a route no area answers (the 404 page). */
const TITLES: [prefix: string, key: MessageKey][] = [
  ['/command', 'nav.command'],
  ['/workbench', 'nav.workbench'],
  ['/portal', 'nav.portal'],
  ['/calculator', 'nav.calculator'],
  ['/risk', 'risk.nav'],
  ['/declarations', 'nav.declarations'],
  ['/ledger', 'ledger.nav'],
  ['/gate', 'gate.nav'],
  ['/inspection', 'inspection.nav'],
  ['/dutyfree', 'dutyfree.nav'],
  ['/shop', 'dutyfree.shop'],
  ['/self', 'dutyfree.self'],
  ['/audit', 'nav.audit'],
  ['/admin', 'nav.admin'],
  ['/value-added', 'valueAdded.nav'],
  ['/firstline', 'fl.nav'],
];
export const areaOf = (route: string) =>
  TITLES.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`) || route.startsWith(`${prefix}?`));

export function usePageTitle(key: MessageKey | null) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${key ? t(key) : t('notFound.title')} · ${t('app.short')}`;
  }, [key, t]);
}

/** Areas only officers open (anyone else gets the 404 page there). */
export const OFFICER_ONLY = [
  '/command',
  '/workbench',
  '/risk',
  '/gate',
  '/inspection',
  '/dutyfree',
  '/audit',
  '/admin',
  '/value-added',
];
