/**
 * What the server sends, typed from its own zod schemas (each module's wire.ts) with `z.infer`: a field
 * the server renames or drops breaks the type check of the pages that read it. Type-only imports: none
 * of the server's code reaches the bundle. Where the wire says `unknown` (a JSON document of several
 * shapes), the page that reads it narrows it where it reads it.
 */
import type { z } from 'zod';
import type * as credit from '../../../src/modules/credit/wire.ts';
import type * as declarations from '../../../src/modules/declarations/wire.ts';
import type * as dutyfree from '../../../src/modules/dutyfree/wire.ts';
import type * as rings from '../../../src/modules/dutyfree/rings/wire.ts';
import type * as gate from '../../../src/modules/gate/wire.ts';
import type * as ledger from '../../../src/modules/ledger/wire.ts';
import type { PreparedLine } from '../../../src/modules/declarations/service/submit.ts';
import type { AssessmentInput } from '../../../src/modules/risk/input.ts';
import type * as personalcredit from '../../../src/modules/personalcredit/wire.ts';
import type * as risk from '../../../src/modules/risk/wire.ts';
import type * as subjects from '../../../src/modules/subjects/wire.ts';
import type * as tax from '../../../src/modules/tax/wire.ts';
import type * as command from '../../../src/modules/command/wire.ts';
import type * as audit from '../../../src/platform/audit/routes.ts';
import type * as clients from '../../../src/platform/auth/clients.ts';
import type * as parameters from '../../../src/platform/parameters/routes.ts';
import type { Level } from '../../../src/modules/risk/rules.ts';
import type { CreditClass } from '../../../src/modules/credit/rules.ts';

export type { Level, CreditClass };

/** A value as JSON carries it: the server's `Date`s arrive as ISO strings. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
/** The answer a zod schema describes, as the browser receives it. */
type Out<S extends z.ZodType> = Json<z.output<S>>;

// Subjects (src/modules/subjects/wire.ts)
export type Enterprise = Out<typeof subjects.enterpriseOut>;

// Credit (src/modules/credit/wire.ts)
export type Credit = Out<typeof credit.creditOut>;
export type InputSummary = Out<typeof credit.inputSummaryOut>;
export type InputRow = Out<typeof credit.inputOut>;
export type Measures = Out<typeof credit.measuresOut>;
export interface History {
  items: Out<typeof credit.changeOut>[];
  timeline: Out<typeof credit.timelineOut>[];
}
export type SubjectKindPath = 'enterprise' | 'individual';

// Declarations (src/modules/declarations/wire.ts)
export type Declaration = Out<typeof declarations.declarationOut>;
/** A row of the declarations list: the declaration with its declarant's USCC and name. */
export type DeclarationListItem = Out<typeof declarations.declarationListItemOut>;
/** A line as the declaration stores it (the wire gives the lines as JSON objects; batch lines carry fewer fields). */
export type DeclarationLine = Partial<Json<PreparedLine>> & { hsCode: string; quantity: string; valueCny: string };
export type DeclarationDetailView = Omit<Out<typeof declarations.declarationDetailOut>, 'lines' | 'reservation'> & {
  lines: DeclarationLine[];
  reservation: Out<typeof ledger.reservationOut> | null;
};
export type TaxBill = Out<typeof declarations.taxBillOut>;
export type TaxFigures = Out<typeof declarations.taxFiguresOut>;
export type MonthView = Out<typeof declarations.monthOut>;
export type DeclarationState = NonNullable<z.infer<typeof declarations.listQuery>['state']>;
export type DeclarationKind = NonNullable<z.infer<typeof declarations.listQuery>['kind']>;

// Gate and inspection (src/modules/gate/wire.ts)
export type InspectionTask = Out<typeof gate.taskOut> & Json<ShipmentFields>;
type ShipmentFields = { [K in keyof typeof gate.shipmentOut]: z.output<(typeof gate.shipmentOut)[K]> };
export type Evidence = Out<typeof gate.evidenceOut>;
export type InspectionTaskDetail = InspectionTask & { evidence: Evidence[] };
export type PortView = Out<typeof gate.portViewOut>;

// Risk (src/modules/risk/wire.ts)
/** The wire's `input` is the assessment input the decision was taken on. */
export type Decision = Omit<Out<typeof risk.decisionDetailOut>, 'input'> & { input: Json<AssessmentInput> };
export type Fired = Decision['features'][number];
export type AlertItem = Out<typeof risk.alertItemOut>;
export type Backtest = Out<typeof risk.backtestRefOut>;
export type BacktestRun = Out<typeof risk.backtestOut>;
export type FeatureVersion = Out<typeof risk.featureVersionOut>;
export type FeatureSummary = Out<typeof risk.featureSummaryOut>;
export type Model = Out<typeof risk.modelOut>;
export type StatsPoint = Out<typeof risk.statsPointOut>;
export type ModelPerformance = Out<typeof risk.modelPerformanceOut>;

// Tax calculators (src/modules/tax/wire.ts)
export type ScenarioResult = Out<typeof tax.calcScenarioResponse>;
export type CalcTaxResult = Out<typeof tax.calcTaxResponse>;
export type CalcValueAddedResult = Out<typeof tax.calcValueAddedResponse>;
export type Step = Out<typeof tax.stepOut>;
export type TaxStatus = Step['status'];
export type ScenarioBody = z.input<typeof tax.calcScenarioBody>;
export type RouteKind = ScenarioBody['route']['kind'];
export type ExitGoods = Extract<ScenarioBody['route'], { kind: 'SECOND_LINE_EXIT' }>['goods'];

// Duty-free (src/modules/dutyfree/wire.ts, its rings/wire.ts, the person's score of personalcredit/wire.ts)
export type IdType = z.infer<typeof rings.selfBody>['idType'];
export type Ring = Out<typeof rings.ringOut>;
export type RingMember = Ring['members'][number];
/** A buyer as officers' lists show one (the ID number masked unless the officer may see it). */
export type BuyerLabel = RingMember['buyer'];
/** One part of a score: the rule's code, its points and the value it was given for. */
export type Part = RingMember['parts'][number];
export type Facts = RingMember['facts'];
export type YellowEntry = Out<typeof rings.yellowOut>['items'][number];
export type Case = Out<typeof rings.caseOut>;
export type BuyerProfile = Out<typeof rings.profileOut>;
export type SaleReview = Out<typeof rings.reviewOut>;
export type ShopCategorySales = Out<typeof rings.salesOfDayOut>['items'][number];
export type SelfView = Out<typeof rings.selfOut>;
export type Quota = Out<typeof dutyfree.quotaOut>;
export type Reserved = Out<typeof dutyfree.reserveOut>;
/** GET /api/v1/dutyfree/codes/:code: what anyone sees, and for officers the sale behind the code. */
export type CodeAnswer = Out<typeof dutyfree.codePublicOut> &
  Partial<Omit<Out<typeof dutyfree.codeOfficerOut>, keyof typeof dutyfree.codePublicOut.shape>>;
/** A person's duty-free credit score with its reasons in both languages. */
export type PersonalScore = Out<typeof personalcredit.scoreOut>;

// Command centre (src/modules/command/wire.ts)
export type Summary = Out<typeof command.summaryOut>;
export type DrillResult = Out<typeof command.drillOut>;
export type DrillRow = DrillResult['items'][number];
export type WindowName = Summary['window']['name'];
/** What a click on a number asks for: a drill panel and its filters (the query of GET /api/v1/command/drill). */
export interface DrillRequest {
  panel: DrillResult['panel'];
  params?: Record<string, string | number | boolean | undefined>;
  /** Shown after the panel's title: the port, state, hour… the list is of. */
  subtitle?: string;
}

// Platform: the audit chain, users and machine clients, policy parameters
export type AuditEntry = Out<typeof audit.entryOut>;
export type AuditAnchorPage = { items: Out<typeof audit.anchorOut>[]; total: number };
export type VerifyResult = Out<typeof audit.verifyOut>;
export type User = Out<typeof clients.userOut>;
export type ApiClient = Out<typeof clients.clientOut>;
export type Parameter = Out<typeof parameters.parameterOut>;
export type ParameterVersion = Out<typeof parameters.versionOut>;
