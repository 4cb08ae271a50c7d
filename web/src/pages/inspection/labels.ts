import type { MessageKey } from '../../i18n/zh-CN.ts';

type T = (k: MessageKey) => string;

/** A divert or selection reason in words where the app knows the code, else the code. */
export function reasonLabel(code: string, t: T): string {
  const key = `gate.reason.${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
}

/** The inspected document's kind in words: a declaration, a book document or a gate event. */
export function documentLabel(type: string, t: T): string {
  for (const key of [`decl.kind.${type}`, `ledger.doc.${type}`, `inspection.document.${type}`] as MessageKey[]) {
    const text = t(key);
    if (text !== key) return text;
  }
  return type;
}

export const isDeclaration = (type: string) => type === 'SECOND_LINE_EXIT' || type === 'BATCH_EXIT';
export const statusLabel = (status: string, t: T) => t(`command.task.${status}` as MessageKey);
export const sourceLabel = (source: string, t: T) => t(`command.source.${source}` as MessageKey);
