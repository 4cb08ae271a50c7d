/**
 * Typed contracts between modules over the outbox. A module publishes its events as a catalogue
 * (`events.ts`: event type → zod schema of the payload). The publisher builds each event with
 * `typedEvent`: a payload that drifts from its schema is a type error, and one that gets past the
 * compiler (a cast, an `unknown`) is refused when the event is built, before anything is written.
 * A consumer reads it with `payloadOf`, which parses it by the publisher's schema instead of
 * re-declaring its shape.
 */
import type { z } from 'zod';
import type { NewEvent, OutboxEvent } from './service.ts';

export type EventCatalogue = Readonly<Record<string, z.ZodType>>;

/** The payload of one event type of a catalogue, as its consumers read it. */
export type EventPayload<C extends EventCatalogue, K extends keyof C> = z.output<C[K]>;

/** A payload that does not match its event type's schema (at the publisher or at a consumer). */
export class EventContractError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: readonly z.core.$ZodIssue[],
    where: 'published' | 'read',
  ) {
    const found = issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
    const what = where === 'published' ? 'refused before it was written' : 'cannot be read';
    super(`${eventType} payload does not match its contract (${what}): ${found}`);
    this.name = 'EventContractError';
  }
}

/**
 * An outbox event of a catalogue's type, its payload checked against the type's schema when compiled
 * and when built (an `EventContractError` then). The payload is written as given, not as parsed: what
 * goes on the wire is what the publisher built.
 */
export function typedEvent<C extends EventCatalogue, K extends keyof C & string>(
  catalogue: C,
  eventType: K,
  event: Omit<NewEvent, 'eventType' | 'payload'> & { payload: z.input<C[K]> },
): NewEvent {
  const schema = catalogue[eventType];
  if (!schema) throw new Error(`${eventType} is not an event of this catalogue.`);
  const checked = schema.safeParse(event.payload);
  if (!checked.success) throw new EventContractError(eventType, checked.error.issues, 'published');
  return { ...event, eventType };
}

/**
 * A delivered event's payload, parsed by its publisher's schema (a payload of another shape throws
 * an `EventContractError` here). A consumer that reads a few fields passes the schema picked to them
 * (`schema.pick({...})` of the publisher's), so it depends on those fields only.
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
  const read = schema.safeParse(event.payload);
  if (!read.success) throw new EventContractError(eventType, read.error.issues, 'read');
  return read.data;
}
