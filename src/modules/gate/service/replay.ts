/**
 * Degraded mode, the central side (docs/operations.md "Gate degraded mode"): a gate device that
 * decided offline replays its signed, hash-chained decision log when the link returns. The log is
 * checked whole (chain and Ed25519 signatures) before anything is written; then every entry is
 * recorded under its event id. A PASS the books can no longer take (order cancelled, reservation
 * voided or expired meanwhile, goods already posted by another passage) is recorded as what
 * happened (the truck left) and put on the officer queue as a conflict.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { uuidv7, UUID_PATTERN } from '../../../kernel/ids.ts';
import { problems, type FieldError } from '../../../kernel/problem.ts';
import { gateDeviceKeys, gateEvents, gateReplayConflicts } from '../schema.ts';
import type { GateDecision } from '../rules.ts';
import { ordersOfPlate } from './orders.ts';
import { assertDeviceScope, decideEventTx, storedAnswer, type GateEventInput } from './events.ts';
import { entryHash, GENESIS, type LogEntry } from '../edge/log.ts';
import { getReservation } from '../../ledger/service.ts';

export const MAX_REPLAY_ENTRIES = 500;

export async function registerDeviceKey(ctx: AppContext, actor: Actor, publicKeyPem: string): Promise<{ deviceId: string; replayedSeq: number }> {
  let key;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    throw problems.field('publicKeyPem', 'gate.publicKey', 'publicKeyPem must be a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw problems.field('publicKeyPem', 'gate.publicKey', 'the device key must be Ed25519');
  return runCommand(ctx, 'gate.device.key', async (tx) => {
    const [existing] = await tx.select().from(gateDeviceKeys).where(eq(gateDeviceKeys.deviceId, actor.id)).for('update').limit(1);
    const now = ctx.clock.now();
    if (existing) {
      if (existing.publicKeyPem.trim() === publicKeyPem.trim()) return { deviceId: actor.id, replayedSeq: existing.replayedSeq };
      // A new key starts a new log: everything signed with the old key must have been replayed first.
      await tx.update(gateDeviceKeys).set({ publicKeyPem, replayedSeq: 0, replayedHash: GENESIS, registeredAt: now }).where(eq(gateDeviceKeys.deviceId, actor.id));
    } else {
      await tx.insert(gateDeviceKeys).values({ deviceId: actor.id, publicKeyPem, replayedSeq: 0, replayedHash: GENESIS, registeredAt: now });
    }
    await appendAudit(tx, { actor: actorLabel(actor), action: 'gate.device.key', subject: `gate-device:${actor.id}`, change: { publicKeyPem }, at: now });
    return { deviceId: actor.id, replayedSeq: 0 };
  });
}

export interface ReplayReport {
  replayedSeq: number;
  recorded: number;
  alreadyRecorded: number;
  posted: number;
  diverted: number;
  conflicts: { eventId: string; logSeq: number; kind: string; detail: string; conflictId: string }[];
}

function eventOf(e: LogEntry['event']): GateEventInput {
  return { ...e, at: new Date(e.at) };
}

/** Why the books cannot take this offline PASS now, or null. */
async function passConflict(tx: Executor, ctx: AppContext, entry: LogEntry): Promise<{ kind: string; detail: string } | null> {
  const orderId = entry.decision.releaseOrderId;
  if (!orderId) return { kind: 'ORDER_UNKNOWN', detail: 'the offline PASS names no release order' };
  const orders = await ordersOfPlate(tx, entry.event.plate, entry.event.portCode, true, ctx.clock.now());
  const order = orders.find((o) => o.id === orderId);
  if (!order) return { kind: 'ORDER_CANCELLED', detail: `release order ${orderId} was cancelled before the truck's passage was replayed` };
  if (order.status === 'PASSED') return { kind: 'OVER_POSTING', detail: `release order ${orderId} had already left in full; posting again would exceed the reservation` };
  const again = entry.decision.leaving.filter((c) => order.passedContainers.includes(c));
  if (again.length) return { kind: 'OVER_POSTING', detail: `container(s) ${again.join(', ')} were already posted by another passage` };
  for (const id of order.reservationIds) {
    const r = await getReservation(tx, id);
    if (!r || r.status !== 'OPEN') return { kind: 'RESERVATION_NOT_OPEN', detail: `reservation ${id} is ${r?.status ?? 'missing'}: voided or expired while the gate was offline` };
    if (r.expiresAt <= ctx.clock.now()) return { kind: 'RESERVATION_NOT_OPEN', detail: `reservation ${id} expired at ${r.expiresAt.toISOString()}` };
  }
  return null;
}

/** Verifies the whole log, then records each entry; nothing is written when the log does not verify. */
export async function replayDeviceLog(ctx: AppContext, actor: Actor, entries: LogEntry[]): Promise<ReplayReport> {
  if (entries.length === 0) throw problems.field('entries', 'gate.replayEmpty', 'nothing to replay');
  if (entries.length > MAX_REPLAY_ENTRIES) throw problems.field('entries', 'gate.replayTooLong', `at most ${MAX_REPLAY_ENTRIES} entries per call; send the rest next`);
  return runCommand(ctx, 'gate.replay', async (tx) => {
    const [device] = await tx.select().from(gateDeviceKeys).where(eq(gateDeviceKeys.deviceId, actor.id)).for('update').limit(1);
    if (!device) throw problems.field('entries', 'gate.deviceKeyUnknown', 'register the device key first (POST /api/v1/gate/devices/key)');
    const key = createPublicKey(device.publicKeyPem);
    // Entries already replayed (a retry after a lost answer) are skipped; the rest must continue the chain.
    const fresh = entries.filter((e) => e.seq > device.replayedSeq);
    const errors: FieldError[] = [];
    let prev = device.replayedHash;
    let seq = device.replayedSeq;
    fresh.forEach((e) => {
      const i = entries.indexOf(e);
      if (e.seq !== seq + 1) errors.push({ path: `entries[${i}].seq`, rule: 'gate.logGap', message: `expected entry ${seq + 1}, got ${e.seq}` });
      if (e.prevHash !== prev) errors.push({ path: `entries[${i}].prevHash`, rule: 'gate.logChain', message: 'does not continue the chain' });
      if (entryHash(e) !== e.hash) errors.push({ path: `entries[${i}].hash`, rule: 'gate.logHash', message: 'the entry does not hash to its hash' });
      else if (!verifySignature(null, Buffer.from(e.hash, 'hex'), key, Buffer.from(e.signature, 'base64'))) errors.push({ path: `entries[${i}].signature`, rule: 'gate.logSignature', message: "not signed by this device's key" });
      try {
        assertDeviceScope(actor, e.event.portCode, e.event.laneCode);
      } catch {
        errors.push({ path: `entries[${i}].event.laneCode`, rule: 'gate.deviceScope', message: 'the entry is for another port or lane than this device' });
      }
      prev = e.hash;
      seq = e.seq;
    });
    if (errors.length) throw problems.validation(errors.slice(0, 50));
    const report: ReplayReport = { replayedSeq: device.replayedSeq, recorded: 0, alreadyRecorded: entries.length - fresh.length, posted: 0, diverted: 0, conflicts: [] };
    const known = new Map((fresh.length ? await tx.select().from(gateEvents).where(inArray(gateEvents.eventId, fresh.map((e) => e.event.eventId))) : []).map((r) => [r.eventId, r]));
    const now = ctx.clock.now();
    const conflict = async (e: LogEntry, kind: string, detail: string) => {
      const id = uuidv7(now.getTime());
      await tx.insert(gateReplayConflicts).values({ id, deviceId: actor.id, eventId: e.event.eventId, logSeq: e.seq, kind, detail, releaseOrderId: e.decision.releaseOrderId && UUID_PATTERN.test(e.decision.releaseOrderId) ? e.decision.releaseOrderId : null, status: 'OPEN', createdAt: now });
      report.conflicts.push({ eventId: e.event.eventId, logSeq: e.seq, kind, detail, conflictId: id });
    };
    for (const e of fresh) {
      const stored = known.get(e.event.eventId);
      if (stored) {
        // The live call reached us before the link dropped: the stored answer stands.
        report.alreadyRecorded++;
        if (stored.decision !== e.decision.decision) await conflict(e, 'DECISION_DIFFERS', `the gate decided ${e.decision.decision} offline, the central service had answered ${storedAnswer(stored).decision}`);
        continue;
      }
      const local = e.decision as GateDecision;
      if (local.decision === 'PASS') {
        const why = await passConflict(tx, ctx, e);
        if (why) {
          // The truck left: record the passage without posting, and ask an officer to settle the books.
          await decideEventTx(tx, ctx, eventOf(e.event), actor, { source: 'REPLAY', forced: local, skipPosting: true });
          await conflict(e, why.kind, why.detail);
        } else {
          const orders = await ordersOfPlate(tx, e.event.plate, e.event.portCode, false, ctx.clock.now());
          const order = orders.find((o) => o.id === local.releaseOrderId)!;
          const remaining = order.containers.filter((c) => !order.passedContainers.includes(c));
          const complete = remaining.every((c) => local.leaving.includes(c));
          await decideEventTx(tx, ctx, eventOf(e.event), actor, { source: 'REPLAY', forced: { ...local, complete } });
          report.posted++;
        }
      } else {
        await decideEventTx(tx, ctx, eventOf(e.event), actor, { source: 'REPLAY', forced: local });
        report.diverted++;
      }
      report.recorded++;
    }
    const last = fresh[fresh.length - 1];
    if (last) await tx.update(gateDeviceKeys).set({ replayedSeq: last.seq, replayedHash: last.hash }).where(eq(gateDeviceKeys.deviceId, actor.id));
    report.replayedSeq = last?.seq ?? device.replayedSeq;
    await appendAudit(tx, { actor: actorLabel(actor), action: 'gate.replay', subject: `gate-device:${actor.id}`, change: { fromSeq: fresh[0]?.seq ?? null, toSeq: report.replayedSeq, recorded: report.recorded, conflicts: report.conflicts.map((c) => ({ kind: c.kind, eventId: c.eventId })) }, at: now });
    return report;
  });
}

export async function listConflicts(ex: Executor, q: { status?: string; limit: number }) {
  const rows = await ex.select().from(gateReplayConflicts).where(q.status ? eq(gateReplayConflicts.status, q.status) : undefined).orderBy(asc(gateReplayConflicts.createdAt)).limit(q.limit);
  return rows;
}

export async function resolveConflict(ctx: AppContext, actor: Actor, id: string, resolution: string) {
  if (!resolution?.trim()) throw problems.field('resolution', 'gate.resolutionRequired', 'say how the conflict was settled');
  if (!UUID_PATTERN.test(id)) throw problems.notFound(`Conflict ${id}`);
  return runCommand(ctx, 'gate.conflict.resolve', async (tx) => {
    const [row] = await tx.select().from(gateReplayConflicts).where(eq(gateReplayConflicts.id, id)).for('update').limit(1);
    if (!row) throw problems.notFound(`Conflict ${id}`);
    if (row.status !== 'OPEN') throw problems.conflict(`Conflict ${id} was already resolved.`);
    const now = ctx.clock.now();
    const [u] = await tx.update(gateReplayConflicts).set({ status: 'RESOLVED', resolvedBy: actorLabel(actor), resolvedAt: now, resolution }).where(eq(gateReplayConflicts.id, id)).returning();
    await appendAudit(tx, { actor: actorLabel(actor), action: 'gate.conflict.resolve', subject: `gate-conflict:${id}`, change: { resolution }, at: now });
    return u!;
  });
}
