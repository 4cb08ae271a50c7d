import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventContractError, payloadOf, typedEvent } from './contract.ts';

const GATE_EVENTS = {
  InspectionCompleted: z.object({
    taskId: z.string(),
    documentType: z.string(),
    documentId: z.string(),
    releaseOrderId: z.string().nullable(),
    portCode: z.string(),
    outcome: z.enum(['MATCH', 'DISCREPANCY', 'SEIZURE']),
    attended: z.boolean(),
    disposition: z.enum(['RELEASE', 'KEEP']),
    corrections: z.array(z.object({ lineIndex: z.number(), quantity: z.string().optional() })),
    completedAt: z.string(),
  }),
  ReleaseOrderPassed: z.object({ releaseOrderId: z.string(), complete: z.boolean() }),
};

const completed = {
  taskId: 't1',
  documentType: 'SECOND_LINE_EXIT',
  documentId: 'd1',
  releaseOrderId: null,
  portCode: 'CNHAK-XINHAI',
  outcome: 'DISCREPANCY' as const,
  attended: true,
  disposition: 'RELEASE' as const,
  corrections: [{ lineIndex: 0, quantity: '90' }],
  completedAt: '2026-12-07T02:00:00.000Z',
};

describe('typed outbox contracts', () => {
  it('builds an event of its type and reads it back by the publisher schema', () => {
    const e = typedEvent(GATE_EVENTS, 'InspectionCompleted', {
      aggregateType: 'gate',
      aggregateId: 't1',
      payload: completed,
      occurredAt: new Date(),
    });
    expect(e.eventType).toBe('InspectionCompleted');
    expect(payloadOf(GATE_EVENTS, 'InspectionCompleted', e)).toEqual(completed);
  });

  it('refuses a payload of another shape, and an event of another type', () => {
    const drifted = { eventType: 'InspectionCompleted', payload: { ...completed, corrections: [{ line: 0 }] } };
    expect(() => payloadOf(GATE_EVENTS, 'InspectionCompleted', drifted)).toThrow();
    expect(() =>
      payloadOf(GATE_EVENTS, 'ReleaseOrderPassed', { eventType: 'InspectionCompleted', payload: completed }),
    ).toThrow(/Expected a ReleaseOrderPassed event/);
  });

  it('refuses at the publisher a payload that got past the compiler, naming the type and the field', () => {
    const cast = { ...completed, outcome: 'MAYBE', corrections: [{ lineIndex: -1 }] } as unknown as typeof completed;
    const build = () =>
      typedEvent(GATE_EVENTS, 'InspectionCompleted', {
        aggregateType: 'gate',
        aggregateId: 't1',
        payload: cast,
        occurredAt: new Date(),
      });
    expect(build).toThrow(EventContractError);
    expect(build).toThrow(/^InspectionCompleted payload does not match its contract \(refused before it was written\)/);
    expect(build).toThrow(/outcome: /);
    expect(() =>
      typedEvent(GATE_EVENTS, 'NoSuchEvent' as 'ReleaseOrderPassed', {
        aggregateType: 'gate',
        aggregateId: 'o1',
        payload: { releaseOrderId: 'o1', complete: true },
        occurredAt: new Date(),
      }),
    ).toThrow(/NoSuchEvent is not an event of this catalogue/);
  });

  it('writes the payload as the publisher built it, not as the schema parsed it', () => {
    const extra = { ...completed, note: 'kept' };
    const e = typedEvent(GATE_EVENTS, 'InspectionCompleted', {
      aggregateType: 'gate',
      aggregateId: 't1',
      payload: extra,
      occurredAt: new Date(),
    });
    expect(e.payload).toBe(extra);
  });

  it('names the event type and the field when a consumer cannot read a payload', () => {
    const drifted = { eventType: 'ReleaseOrderPassed', payload: { releaseOrderId: 'o1', complete: 'yes' } };
    expect(() => payloadOf(GATE_EVENTS, 'ReleaseOrderPassed', drifted)).toThrow(
      /^ReleaseOrderPassed payload does not match its contract \(cannot be read\): complete: /,
    );
  });
});
