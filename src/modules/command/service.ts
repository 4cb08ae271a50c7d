/** The command centre (指挥中心): what other modules and the routes may use. */
export { commandSummary, PANELS, type CommandSummary } from './service/summary.ts';
export { drill, DRILL_PANELS, type DrillPanel, type DrillQuery } from './service/drill.ts';
export { startLiveFeed, LIVE_EVENT_TYPES, type LiveFeed } from './service/live.ts';
export { singleFlight } from './service/flights.ts';
export {
  applyEvents,
  rebuildRollups,
  subscribeRollups,
  ROLLUP_STREAMS,
  type RebuildResult,
} from './service/rollups.ts';
