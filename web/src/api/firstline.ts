/**
 * The first line's answers as the browser receives them, typed from the server's own zod schemas
 * (src/modules/firstline/wire.ts, src/modules/tariff/wire.ts, src/modules/payments/wire.ts): type-only
 * imports, none of the server's code reaches the bundle.
 */
import type { z } from 'zod';
import type * as firstline from '../../../src/modules/firstline/wire.ts';
import type * as ledger from '../../../src/modules/ledger/wire.ts';
import type * as payments from '../../../src/modules/payments/wire.ts';
import type * as tariff from '../../../src/modules/tariff/wire.ts';
import type { Json } from './wire.ts';

type Out<S extends z.ZodType> = Json<z.output<S>>;

export type FirstLineBody = z.input<typeof firstline.firstLineBody>;
export type FirstLineLineBody = FirstLineBody['lines'][number];
export type FirstLineDirection = FirstLineBody['direction'];
export type FirstLineLineKind = FirstLineLineBody['kind'];
export type FirstLineState = NonNullable<z.input<typeof firstline.listQuery>['state']>;
export type FirstLine = Out<typeof firstline.firstLineOut>;
export type JudgedLine = FirstLine['lines'][number];
/** A bill with its payment state (the payments module's). */
export type FirstLineBill = Out<typeof firstline.billOut>;
export type PaymentState = Out<typeof payments.paymentOut>['state'];
export type TariffRates = Out<typeof tariff.ratesResponse>;
export type Book = Out<typeof ledger.bookOut>;
export type BookItem = Out<typeof ledger.itemBalanceOut>;

/** The risk verdict officers read (firstLineRiskOut); a trader's answers never carry it. */
export type FirstLineRisk = Out<typeof firstline.firstLineRiskOut>;
