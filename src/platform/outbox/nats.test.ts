import { describe, expect, it } from 'vitest';
import { serverOptions } from './nats.ts';

describe('NATS_URL (serverOptions)', () => {
  it('takes one server, with or without credentials', () => {
    expect(serverOptions('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(serverOptions('nats://tidegate:p%40ss@nats.example:4222')).toEqual({
      servers: ['nats://nats.example:4222'],
      user: 'tidegate',
      pass: 'p@ss',
    });
  });

  it("takes a cluster's servers comma-separated, the credentials given once for all", () => {
    expect(serverOptions('nats://u:pw@a:4222, nats://b:4223,nats://c:4224')).toEqual({
      servers: ['nats://a:4222', 'nats://b:4223', 'nats://c:4224'],
      user: 'u',
      pass: 'pw',
    });
  });
});
