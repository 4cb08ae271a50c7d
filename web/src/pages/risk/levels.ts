import type { Level } from '../../api/wire.ts';

/** Level colours with at least 4.5:1 contrast against white text and the page. */
export const LEVEL_COLOR: Record<Level, string> = { RED: '#b03a2e', YELLOW: '#8a5a00', BLUE: '#0b4f8a' };
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
