/**
 * The value-added review queue's words (加工增值复核), zh-CN first and English beside it, kept with
 * the page's chunk; `useVt()` picks the language the app is in.
 */
import { useCallback } from 'react';
import { useI18n } from './index.tsx';

const zh = {
  'va.title': '加工增值率复核',
  'va.hint': '增值率在阈值之上、复核区间之内（{from} 至 {to}，不含上限）的申请，须经关员复核后方可通过。',
  'va.status.PENDING': '待复核',
  'va.status.APPROVED': '已通过',
  'va.status.REJECTED': '已驳回',
  'va.status.CLOSED': '已关闭',
  'va.none': '没有待复核的增值率。',
  'va.ratio': '增值率 {ratio}（阈值 {threshold}）',
  'va.formula': '计算式',
  'va.upstream': '累计编号 {number}：使用 {used} / {quantity}，上游材料 {imported} + {domestic} 元',
  'va.evidence': '佐证材料 {n} 份',
  'va.requested': '{by} 于 {at} 提交',
  'va.decided': '{by} 于 {at} 决定：{reason}',
  'va.reason': '复核意见（驳回必填）',
  'va.approve': '通过',
  'va.reject': '驳回',
};

const en: Record<VaKey, string> = {
  'va.title': 'Value-added ratio review',
  'va.hint':
    'Ratios at or above the threshold but within the review band ({from} to {to}, upper bound excluded) ' +
    'pass only after an officer reviews them.',
  'va.status.PENDING': 'Pending',
  'va.status.APPROVED': 'Approved',
  'va.status.REJECTED': 'Rejected',
  'va.status.CLOSED': 'Closed',
  'va.none': 'No ratio waits for review.',
  'va.ratio': 'ratio {ratio} (threshold {threshold})',
  'va.formula': 'Formula',
  'va.upstream':
    'Cumulative number {number}: {used} of {quantity} used, upstream materials {imported} + {domestic} CNY',
  'va.evidence': '{n} pieces of evidence',
  'va.requested': 'asked by {by} at {at}',
  'va.decided': 'decided by {by} at {at}: {reason}',
  'va.reason': 'Notes (required to reject)',
  'va.approve': 'Approve',
  'va.reject': 'Reject',
};

export type VaKey = keyof typeof zh;

export function useVt() {
  const { lang } = useI18n();
  return useCallback(
    (key: VaKey, vars?: Record<string, string | number>) => {
      let text: string = lang === 'en' ? en[key] : zh[key];
      for (const [k, v] of Object.entries(vars ?? {})) text = text.replace(`{${k}}`, String(v));
      return text;
    },
    [lang],
  );
}
