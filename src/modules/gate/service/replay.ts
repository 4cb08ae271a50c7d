/**
 * Degraded mode, the central side (docs/operations.md "Gate degraded mode"): a gate device that
 * decided offline replays its signed, hash-chained decision log when the link returns. The log is
 * checked whole (chain and Ed25519 signatures) before anything is written; then every entry is
 * recorded under its event id. A PASS the books can no longer take (order cancelled, reservation
 * voided or expired meanwhile, goods already posted by another passage) is recorded as what
 * happened (the truck left) and put on the officer queue as a conflict.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/client.ts';
import { runCommand } from '../../../platform/command.ts';
import { appendAudit } from '../../../platform/audit/service.ts';
import { actorLabel, type Actor } from '../../../platform/auth/roles.ts';
import { uuidv7, UUID_PATTERN } from '../../../kernel/ids.ts';
import { problems, type FieldError, type Problem } from '../../../kernel/problem.ts';
import { gateDeviceKeys, gateEvents, gateReplayConflicts } from '../schema.ts';
import type { GateDecision } from '../rules.ts';
import { ordersOfPlate } from './orders.ts';
import { assertDeviceScope, decideEventTx, storedAnswer, type GateEventInput } from './events.ts';
import { entryHash, GENESIS, rotationEndorsed, type LogEntry } from '../edge/log.ts';
import { getReservation } from '../../ledger/service.ts';

export const MAX_REPLAY_ENTRIES = 500;

export interface DeviceKeyAnswer {
  deviceId: string;
  replayedSeq: number;
  /** The first log entry the registered key signs. */
  keyFromSeq: number;
}

function publicKeyOf(publicKeyPem: string) {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    throw problems.field('publicKeyPem', 'gate.publicKey', 'publicKeyPem must be a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw problems.field('publicKeyPem', 'gate.publicKey', 'the device key must be Ed25519');
  return key;
}

/**
 * Registers a gate device's signing key. The same key again changes nothing (a lane registers its
 * key at every start: it keeps the key with its state, so a restart never orphans its log). A
 * rotation names the first entry the new key signs (`fromSeq`, after every replayed entry) and is
 * endorsed by the key in force; the old key keeps verifying the entries before it until they are
 * replayed (the overlap), and a second rotation waits until they are. Any other key is refused
 * (`gate.keyMismatch`) unless it asks for a new log (`newLog`): only for a lane that lost its state,
 * whose unreplayed entries are lost with it.
 */
type DeviceKeyRow = typeof gateDeviceKeys.$inferSelect;
type Rotation = { fromSeq: number; endorsement: string };

/** Why a rotation of the device's key is refused, or null. */
function rotationRefusal(existing: DeviceKeyRow, publicKeyPem: string, rotation: Rotation): Problem | null {
  if (!rotationEndorsed({ publicKeyPem, ...rotation }, createPublicKey(existing.publicKeyPem))) {
    return problems.field('endorsement', 'gate.keyEndorsement', "a rotation is signed by the device's current key");
  }
  const { replayedSeq, keyFromSeq } = existing;
  if (rotation.fromSeq <= replayedSeq || rotation.fromSeq <= keyFromSeq) {
    const after = Math.max(replayedSeq, keyFromSeq);
    const why = `replayed up to ${replayedSeq}, the current key signs from ${keyFromSeq}`;
    return problems.field('fromSeq', 'gate.keyFromSeq', `a new key signs entries after ${after} (${why})`);
  }
  // The key before the current one is dropped by a rotation: the entries it signed must be replayed first.
  if (existing.previousPublicKeyPem && replayedSeq < keyFromSeq - 1) {
    const detail =
      `Entries up to ${keyFromSeq - 1} were signed with the key before the current one and are not replayed yet ` +
      `(replayed up to ${replayedSeq}); replay them before rotating again.`;
    const errors = [
      { path: 'fromSeq', rule: 'gate.keyRotationPending', message: 'replay the entries of the previous key first' },
    ];
    return problems.rule('gate-key-rotation-pending', 'Key rotation pending', detail, errors);
  }
  return null;
}

/**
 * Registers a gate device's signing key. The same key again changes nothing (a lane registers its
 * key at every start: it keeps the key with its state, so a restart never orphans its log). A
 * rotation names the first entry the new key signs (`fromSeq`, after every replayed entry) and is
 * endorsed by the key in force; the old key keeps verifying the entries before it until they are
 * replayed (the overlap), and a second rotation waits until they are. Any other key is refused
 * (`gate.keyMismatch`) unless it asks for a new log (`newLog`): only for a lane that lost its state,
 * whose unreplayed entries are lost with it.
 */
export async function registerDeviceKey(
  ctx: AppContext,
  actor: Actor,
  publicKeyPem: string,
  rotation?: Rotation,
  newLog = false,
): Promise<DeviceKeyAnswer> {
  publicKeyOf(publicKeyPem);
  const pem = publicKeyPem.trim();
  return runCommand(ctx, 'gate.device.key', async (tx) => {
    const [existing] = await tx
      .select()
      .from(gateDeviceKeys)
      .where(eq(gateDeviceKeys.deviceId, actor.id))
      .for('update')
      .limit(1);
    const now = ctx.clock.now();
    const answer = (replayedSeq: number, keyFromSeq: number) => ({ deviceId: actor.id, replayedSeq, keyFromSeq });
    const subject = `gate-device:${actor.id}`;
    const audit = (action: string, change: unknown) =>
      appendAudit(tx, { actor: actorLabel(actor), action, subject, change, at: now });
    const set = (values: Partial<DeviceKeyRow>) =>
      tx
        .update(gateDeviceKeys)
        .set({ ...values, registeredAt: now })
        .where(eq(gateDeviceKeys.deviceId, actor.id));
    const fromSeqRefused = (message: string) => problems.field('fromSeq', 'gate.keyFromSeq', message);
    if (existing?.publicKeyPem.trim() === pem) {
      if (rotation && rotation.fromSeq !== existing.keyFromSeq)
        throw fromSeqRefused(`this key signs from entry ${existing.keyFromSeq}`);
      return answer(existing.replayedSeq, existing.keyFromSeq);
    }
    if (existing?.previousPublicKeyPem?.trim() === pem) {
      const errors = [{ path: 'publicKeyPem', rule: 'gate.keyRetired', message: 'a retired key' }];
      throw problems.rule(
        'gate-key-retired',
        'Key retired',
        'This key was rotated out; the lane signs with the key registered after it.',
        errors,
      );
    }
    if (!existing) {
      if (rotation && rotation.fromSeq !== 1)
        throw fromSeqRefused('the first key of a device signs its log from entry 1');
      await tx
        .insert(gateDeviceKeys)
        .values({ deviceId: actor.id, publicKeyPem, replayedSeq: 0, replayedHash: GENESIS, registeredAt: now });
      await audit('gate.device.key', { publicKeyPem });
      return answer(0, 1);
    }
    if (rotation) {
      const refused = rotationRefusal(existing, publicKeyPem, rotation);
      if (refused) throw refused;
      const previousPublicKeyPem = existing.publicKeyPem;
      await set({ publicKeyPem, keyFromSeq: rotation.fromSeq, previousPublicKeyPem });
      await audit('gate.device.key.rotate', { publicKeyPem, fromSeq: rotation.fromSeq, previousPublicKeyPem });
      return answer(existing.replayedSeq, rotation.fromSeq);
    }
    if (!newLog) {
      const errors = [
        { path: 'publicKeyPem', rule: 'gate.keyMismatch', message: 'not the key registered for this device' },
      ];
      const detail =
        'This gate device is registered with another key: send a rotation endorsed by that key, ' +
        'or start a new log (newLog) if the lane lost its key and its log.';
      throw problems.conflict(detail, { errors });
    }
    // A lane that lost its key and its log: what it had not replayed cannot be verified any more.
    await set({ publicKeyPem, replayedSeq: 0, replayedHash: GENESIS, keyFromSeq: 1, previousPublicKeyPem: null });
    await audit('gate.device.key', { publicKeyPem, newLog: true, previousLogReplayedTo: existing.replayedSeq });
    return answer(0, 1);
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

function signedBy(e: LogEntry, key: KeyObject | null): boolean {
  return key !== null && verifySignature(null, Buffer.from(e.hash, 'hex'), key, Buffer.from(e.signature, 'base64'));
}

function eventOf(e: LogEntry['event']): GateEventInput {
  return { ...e, at: new Date(e.at) };
}

/** Why the books cannot take this offline PASS now, or null. */
async function passConflict(
  tx: Executor,
  ctx: AppContext,
  entry: LogEntry,
): Promise<{ kind: string; detail: string } | null> {
  const orderId = entry.decision.releaseOrderId;
  if (!orderId) return { kind: 'ORDER_UNKNOWN', detail: 'the offline PASS names no release order' };
  const orders = await ordersOfPlate(tx, entry.event.plate, entry.event.portCode, true, ctx.clock.now());
  const order = orders.find((o) => o.id === orderId);
  if (!order)
    return {
      kind: 'ORDER_CANCELLED',
      detail: `release order ${orderId} was cancelled before the truck's passage was replayed`,
    };
  if (order.status === 'PASSED')
    return {
      kind: 'OVER_POSTING',
      detail: `release order ${orderId} had already left in full; posting again would exceed the reservation`,
    };
  // The live centre would have answered INSPECTION_HOLD: the goods left while an inspection held them.
  if (order.held) {
    return {
      kind: 'INSPECTION_HOLD',
      detail: `release order ${orderId} is held for inspection; the truck left before the lane learned it`,
    };
  }
  const again = entry.decision.leaving.filter((c) => order.passedContainers.includes(c));
  if (again.length)
    return { kind: 'OVER_POSTING', detail: `container(s) ${again.join(', ')} were already posted by another passage` };
  for (const id of order.reservationIds) {
    const r = await getReservation(tx, id);
    if (!r || r.status !== 'OPEN')
      return {
        kind: 'RESERVATION_NOT_OPEN',
        detail: `reservation ${id} is ${r?.status ?? 'missing'}: voided or expired while the gate was offline`,
      };
    if (r.expiresAt <= ctx.clock.now())
      return { kind: 'RESERVATION_NOT_OPEN', detail: `reservation ${id} expired at ${r.expiresAt.toISOString()}` };
  }
  return null;
}

/**
 * An offline DIVERT of an order the lane still held open, whose goods have since left in full
 * (another lane passed them before the divert was replayed): the divert is recorded, its task goes
 * on the truck's event and not on the exited declaration (decideEventsTx), and an officer is told
 * that goods the lane sent to inspection left uninspected.
 */
async function exitedMeanwhile(tx: Executor, ctx: AppContext, entry: LogEntry): Promise<string | null> {
  const orderId = entry.decision.releaseOrderId;
  if (!orderId || entry.decision.reasons.some((r) => r.code === 'ORDER_ALREADY_PASSED')) return null;
  const orders = await ordersOfPlate(tx, entry.event.plate, entry.event.portCode, false, ctx.clock.now());
  if (orders.find((o) => o.id === orderId)?.status !== 'PASSED') return null;
  const reasons = entry.decision.reasons.map((r) => r.code).join(', ');
  return (
    `the lane diverted release order ${orderId} for inspection (${reasons}), ` +
    'but its goods had left in full by another passage before the divert was replayed'
  );
}

/** Verifies the whole log, then records each entry; nothing is written when the log does not verify. */
export async function replayDeviceLog(ctx: AppContext, actor: Actor, entries: LogEntry[]): Promise<ReplayReport> {
  if (entries.length === 0) throw problems.field('entries', 'gate.replayEmpty', 'nothing to replay');
  if (entries.length > MAX_REPLAY_ENTRIES)
    throw problems.field(
      'entries',
      'gate.replayTooLong',
      `at most ${MAX_REPLAY_ENTRIES} entries per call; send the rest next`,
    );
  return runCommand(ctx, 'gate.replay', async (tx) => {
    const [device] = await tx
      .select()
      .from(gateDeviceKeys)
      .where(eq(gateDeviceKeys.deviceId, actor.id))
      .for('update')
      .limit(1);
    if (!device)
      throw problems.field(
        'entries',
        'gate.deviceKeyUnknown',
        'register the device key first (POST /api/v1/gate/devices/key)',
      );
    // The current key signs from keyFromSeq; entries before it were signed with the key it replaced.
    const current = createPublicKey(device.publicKeyPem);
    const previous = device.previousPublicKeyPem ? createPublicKey(device.previousPublicKeyPem) : null;
    const keyFor = (seq: number) => (seq >= device.keyFromSeq ? current : previous);
    // Entries already replayed (a retry after a lost answer) are skipped; the rest must continue the chain.
    const fresh = entries.filter((e) => e.seq > device.replayedSeq);
    const errors: FieldError[] = [];
    let prev = device.replayedHash;
    let seq = device.replayedSeq;
    fresh.forEach((e) => {
      const i = entries.indexOf(e);
      if (e.seq !== seq + 1)
        errors.push({
          path: `entries[${i}].seq`,
          rule: 'gate.logGap',
          message: `expected entry ${seq + 1}, got ${e.seq}`,
        });
      if (e.prevHash !== prev)
        errors.push({ path: `entries[${i}].prevHash`, rule: 'gate.logChain', message: 'does not continue the chain' });
      if (entryHash(e) !== e.hash)
        errors.push({
          path: `entries[${i}].hash`,
          rule: 'gate.logHash',
          message: 'the entry does not hash to its hash',
        });
      else if (!signedBy(e, keyFor(e.seq))) {
        errors.push({
          path: `entries[${i}].signature`,
          rule: 'gate.logSignature',
          message: "not signed by this device's key for that entry",
        });
      }
      try {
        assertDeviceScope(actor, e.event.portCode, e.event.laneCode);
      } catch {
        errors.push({
          path: `entries[${i}].event.laneCode`,
          rule: 'gate.deviceScope',
          message: 'the entry is for another port or lane than this device',
        });
      }
      prev = e.hash;
      seq = e.seq;
    });
    if (errors.length) throw problems.validation(errors.slice(0, 50));
    const report: ReplayReport = {
      replayedSeq: device.replayedSeq,
      recorded: 0,
      alreadyRecorded: entries.length - fresh.length,
      posted: 0,
      diverted: 0,
      conflicts: [],
    };
    const known = new Map(
      (fresh.length
        ? await tx
            .select()
            .from(gateEvents)
            .where(
              inArray(
                gateEvents.eventId,
                fresh.map((e) => e.event.eventId),
              ),
            )
        : []
      ).map((r) => [r.eventId, r]),
    );
    const now = ctx.clock.now();
    const conflict = async (e: LogEntry, kind: string, detail: string) => {
      const id = uuidv7(now.getTime());
      await tx.insert(gateReplayConflicts).values({
        id,
        deviceId: actor.id,
        eventId: e.event.eventId,
        logSeq: e.seq,
        kind,
        detail,
        releaseOrderId:
          e.decision.releaseOrderId && UUID_PATTERN.test(e.decision.releaseOrderId) ? e.decision.releaseOrderId : null,
        status: 'OPEN',
        createdAt: now,
      });
      report.conflicts.push({ eventId: e.event.eventId, logSeq: e.seq, kind, detail, conflictId: id });
    };
    for (const e of fresh) {
      const stored = known.get(e.event.eventId);
      if (stored) {
        // The live call reached us before the link dropped: the stored answer stands.
        report.alreadyRecorded++;
        if (stored.decision !== e.decision.decision)
          await conflict(
            e,
            'DECISION_DIFFERS',
            `the gate decided ${e.decision.decision} offline, the central service had answered ` +
              `${storedAnswer(stored).decision}`,
          );
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
        const exited = await exitedMeanwhile(tx, ctx, e);
        if (exited) await conflict(e, 'DIVERTED_ORDER_EXITED', exited);
      }
      report.recorded++;
    }
    const last = fresh[fresh.length - 1];
    if (last)
      await tx
        .update(gateDeviceKeys)
        .set({ replayedSeq: last.seq, replayedHash: last.hash })
        .where(eq(gateDeviceKeys.deviceId, actor.id));
    report.replayedSeq = last?.seq ?? device.replayedSeq;
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'gate.replay',
      subject: `gate-device:${actor.id}`,
      change: {
        fromSeq: fresh[0]?.seq ?? null,
        toSeq: report.replayedSeq,
        recorded: report.recorded,
        conflicts: report.conflicts.map((c) => ({ kind: c.kind, eventId: c.eventId })),
      },
      at: now,
    });
    return report;
  });
}

export async function listConflicts(ex: Executor, q: { status?: string; limit: number }) {
  const rows = await ex
    .select()
    .from(gateReplayConflicts)
    .where(q.status ? eq(gateReplayConflicts.status, q.status) : undefined)
    .orderBy(asc(gateReplayConflicts.createdAt))
    .limit(q.limit);
  return rows;
}

export async function resolveConflict(ctx: AppContext, actor: Actor, id: string, resolution: string) {
  if (!resolution?.trim())
    throw problems.field('resolution', 'gate.resolutionRequired', 'say how the conflict was settled');
  if (!UUID_PATTERN.test(id)) throw problems.notFound(`Conflict ${id}`);
  return runCommand(ctx, 'gate.conflict.resolve', async (tx) => {
    const [row] = await tx
      .select()
      .from(gateReplayConflicts)
      .where(eq(gateReplayConflicts.id, id))
      .for('update')
      .limit(1);
    if (!row) throw problems.notFound(`Conflict ${id}`);
    if (row.status !== 'OPEN') throw problems.conflict(`Conflict ${id} was already resolved.`);
    const now = ctx.clock.now();
    const [u] = await tx
      .update(gateReplayConflicts)
      .set({ status: 'RESOLVED', resolvedBy: actorLabel(actor), resolvedAt: now, resolution })
      .where(eq(gateReplayConflicts.id, id))
      .returning();
    await appendAudit(tx, {
      actor: actorLabel(actor),
      action: 'gate.conflict.resolve',
      subject: `gate-conflict:${id}`,
      change: { resolution },
      at: now,
    });
    return u!;
  });
}
