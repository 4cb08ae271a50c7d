/**
 * What a module is to the composition root: one object (its manifest, exported by
 * src/modules/<module>/index.ts and listed once in src/modules/index.ts). src/main.ts, src/cli.ts and
 * the demo seed loop over that list; the platform itself never imports a module (docs/modules.md).
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import type { AppContext } from './context.ts';
import type { ApiPlugin } from './http/server.ts';
import type { ElectedJob } from './leases/elector.ts';
import type { ParameterSpecs } from './parameters/definition.ts';
import type { ParameterSeed } from './parameters/defaults.ts';
import type { PartitionedTable } from './partitions/service.ts';

/** Stops what a schedule started (timers, loops); awaited when the server closes. */
export type Stop = () => void | Promise<void>;

/** A timed job (a nightly sweep, a retraining): started with the server unless schedules are off. */
export interface ModuleSchedule {
  /** When it runs, in words (for readers and logs). */
  name: string;
  start: (ctx: AppContext) => Stop;
}

/** Outbox consumers: called once before the dispatcher starts, they subscribe their handlers. */
export interface ModuleSubscriber {
  name: string;
  /** The event types it consumes (documentation; the handler filters). */
  events?: readonly string[];
  subscribe: (ctx: AppContext) => void;
}

/** The demo world the base seed (subjects, users) built, for modules whose demo data refers to it. */
export interface DemoWorld {
  /** The id of a demo enterprise by its key ('jerky', 'equipment', 'logistics', ...). */
  enterpriseId(key: string): string;
  /** The USCC of a demo enterprise by its key. */
  uscc(key: string): string;
  /** The id of a demo individual by its key ('liMing', ...). */
  individualId(key: string): string;
}

/** A page of the web app a module contributes (metadata: the app's router and nav read their own lists). */
export interface WebEntry {
  /** The hash route, e.g. '/gate' for #/gate. */
  path: string;
  /** The i18n key of its navigation label. */
  nav?: string;
  /** Shown to customs officers only. */
  officerOnly?: boolean;
}

export interface TidegateModule {
  /** Unique, lower case: the folder under src/modules (a sub-module: 'dutyfree-rings'). */
  name: string;
  /** Fastify plugins; each declares its routes with their full path (/api/v1/<module>/...). */
  routes?: readonly ApiPlugin[];
  /** `tidegate <module> …` commands; `open` gives a context on the configured database. */
  cli?: (program: Command, open: () => Promise<AppContext>) => void;
  schedules?: readonly ModuleSchedule[];
  /**
   * Its tables partitioned by month (platform/partitions): made ahead by the platform, archived by
   * `tidegate archive`.
   */
  partitioned?: readonly PartitionedTable[];
  subscribers?: readonly ModuleSubscriber[];
  /** The events it publishes: type → zod schema of the payload. */
  events?: Readonly<Record<string, z.ZodType>>;
  /** Its policy parameters: the schema of each value, and the versions seeded on first start. */
  parameters?: { specs: ParameterSpecs; seeds?: readonly ParameterSeed[] };
  /** Demo data, seeded in the order of the module list after the base demo (enterprises, users, people). */
  seedDemo?: (ctx: AppContext, world: DemoWorld) => Promise<void>;
  web?: readonly WebEntry[];
}

/** Checks the list once at start-up: a name used twice is a wiring mistake. */
export function defineModules(modules: readonly TidegateModule[]): readonly TidegateModule[] {
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name)) throw new Error(`Module ${m.name} is listed twice in src/modules/index.ts.`);
    seen.add(m.name);
  }
  return modules;
}

/** Every module's schedules as jobs to elect (leases/elector.ts), named `<module>: <schedule>`. */
export function scheduledJobs(modules: readonly TidegateModule[], ctx: AppContext): ElectedJob[] {
  return modules.flatMap((m) =>
    (m.schedules ?? []).map((s) => ({ name: `${m.name}: ${s.name}`, start: () => s.start(ctx) })),
  );
}

/** Every module's month-partitioned tables. */
export function partitionedTables(modules: readonly TidegateModule[]): PartitionedTable[] {
  return modules.flatMap((m) => [...(m.partitioned ?? [])]);
}
