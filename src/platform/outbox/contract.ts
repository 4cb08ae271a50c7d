/**
 * Typed contracts between modules over the outbox. A module publishes its events as a catalogue
 * (`events.ts`: event type → zod schema of the payload). The publisher builds each event with
 * `typedEvent`, so a payload that drifts from its schema is a type error; a consumer reads it with
 * `payloadOf`, which parses it by the publisher's schema instead of re-declaring its shape.
 */
import type { z } from 'zod';
import type { NewEvent, OutboxEvent } from './service.ts';

export type EventCatalogue = Readonly<Record<string, z.ZodType>>;

/** The payload of one event type of a catalogue, as its consumers read it. */
export type EventPayload<C extends EventCatalogue, K extends keyof C> = z.output<C[K]>;

/** An outbox event of a catalogue's type, its payload checked against the type's schema when compiled. */
export function typedEvent<C extends EventCatalogue, K extends keyof C & string>(
  _catalogue: C,
  eventType: K,
  event: Omit<NewEvent, 'eventType' | 'payload'> & { payload: z.input<C[K]> },
): NewEvent {
  return { ...event, eventType };
}

/**
 * A delivered event's payload, parsed by its publisher's schema (a payload of another shape throws
 * here). A consumer that reads a few fields passes the schema picked to them (`schema.pick({...})`
 * of the publisher's), so it depends on those fields only.
 */
export function payloadOf<C extends EventCatalogue, K extends keyof C & string>(
  catalogue: C,
  eventType: K,
  event: Pick<OutboxEvent, 'eventType' | 'payload'>,
): EventPayload<C, K> {
  return readPayload(catalogue[eventType]!, eventType, event) as EventPayload<C, K>;
}

/** `payloadOf` with a schema of the consumer's choosing, e.g. the publisher's picked to the fields it reads. */
export function readPayload<S extends z.ZodType>(
  schema: S,
  eventType: string,
  event: Pick<OutboxEvent, 'eventType' | 'payload'>,
): z.output<S> {
  if (event.eventType !== eventType) throw new Error(`Expected a ${eventType} event, got ${event.eventType}.`);
  return schema.parse(event.payload);
}
