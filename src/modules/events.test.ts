import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODULES } from './index.ts';

// Every module's sources (tests aside), as text: the outbox contract is checked over what the code
// says, so an event written without its catalogue fails here even where no test drives it.
const sources = Object.entries(
  import.meta.glob<string>(['./**/*.ts', '!./**/*.test.ts'], { query: '?raw', import: 'default', eager: true }),
);

const catalogues = MODULES.filter((m) => m.events).map((m) => ({ module: m.name, events: m.events! }));
const published = new Map(catalogues.flatMap((c) => Object.keys(c.events).map((type) => [type, c.module] as const)));

/** The quoted names an expression such as `'A'` or `cond === 'X' ? 'A' : 'B'` chooses from ('A', 'B'). */
const quoted = (expression: string) =>
  [...expression.slice(expression.indexOf('?') + 1).matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]!);

/**
 * What a source says about events: the event types it writes without its catalogue (an `eventType:`
 * given as a literal or a choice of literals), the types it builds with `typedEvent`, and the types it
 * reads with `readPayload`/`payloadOf`.
 */
function eventMentions(text: string) {
  const untyped = [...text.matchAll(/\beventType:\s*([^,\n}]*'[A-Za-z]+'[^,\n}]*)/g)].flatMap((m) => quoted(m[1]!));
  const built = [...text.matchAll(/\btypedEvent\(\s*\w+,\s*([^,]+),/g)].flatMap((m) => quoted(m[1]!));
  const read = [...text.matchAll(/\b(?:readPayload|payloadOf)\((?:[^()]|\([^()]*\))*?,\s*'([A-Za-z]+)'/g)].map(
    (m) => m[1]!,
  );
  return { untyped, built, read };
}

describe('typed events between modules', () => {
  it('the scan finds an event written without its catalogue, and one built or read with it', () => {
    const text = `
      await enqueueEvents(tx, [{ aggregateType: 'x', aggregateId: id, eventType: 'Untyped', payload }]);
      batch.event({ aggregateType: 'x', eventType: existing ? 'Amended' : 'Recorded', payload, occurredAt });
      typedEvent(SOME_EVENTS, d === 'PASS' ? 'Passed' : 'Diverted', { aggregateType: 'x' });
      readPayload(SOME_EVENTS.Passed.pick({ id: true }), 'Passed', e);`;
    expect(eventMentions(text)).toEqual({
      untyped: ['Untyped', 'Amended', 'Recorded'],
      built: ['Passed', 'Diverted'],
      read: ['Passed'],
    });
  });

  it('every catalogue maps each event type to a zod schema, and no two modules publish the same type', () => {
    expect(catalogues.length).toBeGreaterThanOrEqual(15);
    const types = catalogues.flatMap((c) => Object.keys(c.events));
    expect(types.filter((t, i) => types.indexOf(t) !== i)).toEqual([]);
    for (const c of catalogues)
      for (const [type, schema] of Object.entries(c.events))
        expect(schema, `${c.module} ${type}`).toBeInstanceOf(z.ZodType);
  });

  it('no module writes an event type without its catalogue (typedEvent)', () => {
    const untyped = sources.flatMap(([file, text]) => eventMentions(text).untyped.map((type) => `${file}: ${type}`));
    expect(untyped).toEqual([]);
  });

  it("every event type built or read is in a module's catalogue listed in its manifest", () => {
    const unknown = sources.flatMap(([file, text]) => {
      const { built, read } = eventMentions(text);
      return [...built, ...read].filter((type) => !published.has(type)).map((type) => `${file}: ${type}`);
    });
    expect(unknown).toEqual([]);
  });

  it('every event type a module subscribes to is published by a catalogue', () => {
    const subscribed = MODULES.flatMap((m) => (m.subscribers ?? []).flatMap((s) => s.events ?? []));
    expect(subscribed.length).toBeGreaterThan(5);
    expect(subscribed.filter((type) => !published.has(type))).toEqual([]);
  });

  it('every catalogued event type is written somewhere outside its catalogue', () => {
    const code = sources.filter(([file]) => !file.endsWith('/events.ts')).map(([, text]) => text);
    const unwritten = [...published.keys()].filter((type) => !code.some((text) => text.includes(`'${type}'`)));
    expect(unwritten).toEqual([]);
  });
});
