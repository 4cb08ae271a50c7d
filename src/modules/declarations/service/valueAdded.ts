import type { Executor } from '../../../platform/db/client.ts';
import { formatValueAddedNumber } from '../../tax/rules.ts';
import { nextSerial } from './store.ts';

/** The customs code (关区代码) that issues confirmation numbers: Haikou customs. */
export const ISSUING_CUSTOMS = '6401';

/** A new confirmation number (内销免关税确认编号) of the year of `date`, from the serial of that year. */
export async function newConfirmationNumber(tx: Executor, date: string): Promise<string> {
  const year = Number(date.slice(0, 4));
  const serial = await nextSerial(tx, 'CONFIRMATION', `${year}-${ISSUING_CUSTOMS}`);
  return formatValueAddedNumber({ kind: 'CONFIRMATION', year, customsCode: ISSUING_CUSTOMS, serial });
}
