/** The second-line ports with their names, from the platform's own list (src/kernel/ports.ts). */
import { SECOND_LINE_PORTS } from '../../../src/kernel/ports.ts';

export const PORT_CODES: readonly string[] = SECOND_LINE_PORTS.map((p) => p.code);

/** The first-line open ports (一线口岸): every second-line port but Xinhai and Nangang. */
export const FIRST_LINE_PORT_CODES: readonly string[] = SECOND_LINE_PORTS.filter((p) => p.alsoFirstLine).map(
  (p) => p.code,
);

export const PORT_NAMES: Readonly<Record<string, [zh: string, en: string]>> = Object.fromEntries(
  SECOND_LINE_PORTS.map((p) => [p.code, [p.nameZh, p.nameEn]]),
);

/** A port's name in the user's language (the code when the port is not one of the ten). */
export const portLabel = (code: string, lang: string): string =>
  (PORT_NAMES[code] ?? [code, code])[lang === 'zh-CN' ? 0 : 1];
