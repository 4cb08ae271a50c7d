import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  commands: Counter<'action'>;
  /** Gate group commit: events per batch and a batch's time in the database (see gate/service/batcher.ts). */
  gateBatchEvents: Histogram;
  gateBatchSeconds: Histogram;
  /** Replica-tolerant reads by where they ran and why (platform/db/reads.ts). */
  reads: Counter<'target' | 'reason'>;
  /** The read replica's replay lag in seconds; -1 while it is unreachable. */
  replicaLag: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidegate_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'tidegate_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'tidegate_commands_total',
      help: 'Accepted commands by action',
      labelNames: ['action'],
      registers: [registry],
    }),
    gateBatchEvents: new Histogram({
      name: 'tidegate_gate_batch_events',
      help: 'Gate events decided together in one transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    gateBatchSeconds: new Histogram({
      name: 'tidegate_gate_batch_seconds',
      help: 'Time of one batch of gate events, from begin to commit',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    reads: new Counter({
      name: 'tidegate_reads_total',
      help: 'Reads that may run on the read replica, by where they ran and why',
      labelNames: ['target', 'reason'],
      registers: [registry],
    }),
    replicaLag: new Gauge({
      name: 'tidegate_replica_lag_seconds',
      help: "The read replica's replay lag in seconds (-1 while unreachable)",
      registers: [registry],
    }),
  };
}
