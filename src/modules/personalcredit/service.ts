/**
 * Personal credit scores (人员信用评价): the module's public service. Other modules record behaviours
 * inside their own transactions (`recordBehaviour`, `withdrawBySource`) and read scores and levels
 * (`scoreOfPerson`, `levelsOf`); routes and pages use the rest. A person is their keyed hash.
 */
export {
  personHashOf,
  recordBehaviour,
  recordByOfficer,
  withdrawRecord,
  withdrawBySource,
  peopleWithRecord,
  type NewRecord,
  type RecordView,
} from './service/records.ts';
export {
  scoreOfPerson,
  scoreByIdNumber,
  levelsOf,
  pointsTable,
  creditParameters,
  type ScoreView,
} from './service/score.ts';
