import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.ts';
import { systemActor } from '../../platform/auth/roles.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { outboxEvents } from '../../platform/outbox/schema.ts';
import { recordGateEvent } from '../gate/service.ts';
import { handleEvent } from './service.ts';
import { declarations } from './schema.ts';
import type { ExitDeclarationBody } from './wire.ts';

/**
 * Demo only: the truck of a released declaration passes its port's first lane, as the gate device
 * would report it, and the gate's events are handed to the declarations module at once (the
 * dispatcher starts after the seed; it finds them handled and skips them).
 */
export async function passDemoGate(ctx: AppContext, declarationId: string): Promise<void> {
  const [d] = await ctx.db.select().from(declarations).where(eq(declarations.id, declarationId));
  if (!d || d.state !== 'RELEASED') return;
  const form = d.form as ExitDeclarationBody;
  const laneCode = `${d.portCode}-L01`;
  await recordGateEvent(ctx, systemActor('demo-gate'), {
    eventId: uuidv7(ctx.clock.now().getTime()),
    portCode: d.portCode,
    laneCode,
    direction: 'OUT',
    plate: form.transport.plate,
    containers: form.transport.containers,
    weightKg: form.transport.expectedGrossWeightKg,
    sealState: 'INTACT',
    seals: form.transport.seals,
    at: ctx.clock.now(),
  });
  const events = await ctx.db
    .select()
    .from(outboxEvents)
    .where(and(eq(outboxEvents.aggregateType, 'gate'), sql`${outboxEvents.payload}->>'documentId' = ${declarationId}`))
    .orderBy(asc(outboxEvents.id));
  for (const e of events) await handleEvent(ctx, e);
}
