import { createRequire } from 'node:module';
import type { Violation } from './violation.ts';

// China's 8- and 10-digit tariff lines extend the 6-digit HS 2022 subheadings (WCO, PDDL).
interface HsData {
  codes: Record<string, [section: string, description: string]>;
}
let data: HsData | undefined;
function hs(): HsData {
  data ??= createRequire(import.meta.url)('./data/hs2022.json') as HsData;
  return data;
}

export function validateHsCode(input: unknown, digits: 6 | 8 | 10 | 'any' = 'any'): Violation | null {
  if (typeof input !== 'string' || !/^\d+$/.test(input))
    return { rule: 'HS.format', message: 'An HS code is 6, 8 or 10 digits, digits only.' };
  if (digits === 'any' ? ![6, 8, 10].includes(input.length) : input.length !== digits) {
    return {
      rule: 'HS.length',
      message:
        digits === 'any'
          ? `An HS code has 6, 8 or 10 digits, got ${input.length}.`
          : `Use the ${digits}-digit code, got ${input.length} digits.`,
    };
  }
  if (!hs().codes[input.slice(0, 6)])
    return { rule: 'HS.unknownSubheading', message: `${input.slice(0, 6)} is not an HS 2022 subheading.` };
  return null;
}

export function hsDescription(code: string): string | null {
  const c = hs().codes;
  return c[code.slice(0, 6)]?.[1] ?? c[code.slice(0, 4)]?.[1] ?? c[code.slice(0, 2)]?.[1] ?? null;
}

export function hsSection(code: string): string | null {
  return hs().codes[code.slice(0, 2)]?.[0] ?? null;
}

export const hsChapter = (code: string) => code.slice(0, 2);
export const hsHeading = (code: string) => code.slice(0, 4);
