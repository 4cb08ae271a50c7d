import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgSocket } from './pgSocket.ts';

/** A TCP server that records, per connection, every chunk it receives. */
async function recordingServer() {
  const received: Buffer[][] = [];
  const server = net.createServer((s) => {
    const chunks: Buffer[] = [];
    received.push(chunks);
    s.on('data', (c: Buffer) => chunks.push(c));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, port: (server.address() as net.AddressInfo).port };
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('postgres.js sockets (pgSocket)', () => {
  let srv: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => {
    srv = await recordingServer();
  });
  afterAll(async () => {
    await new Promise((r) => srv.server.close(r));
  });

  it("holds a tick's writes, large ones too, and sends them together in order once the tick is done", async () => {
    const socket = await pgSocket({ host: ['127.0.0.1'], port: [srv.port] });
    try {
      const parts = [Buffer.alloc(2000, 'a'), Buffer.from('small'), Buffer.alloc(5000, 'b')];
      for (const p of parts) socket.write(p);
      // Nothing has left yet: the socket is corked until the tick's I/O has run.
      expect(socket.writableCorked).toBe(1);
      expect(socket.writableLength).toBe(7005);
      await new Promise((r) => setImmediate(r));
      expect(socket.writableCorked).toBe(0);
      const chunks = srv.received.at(-1)!;
      await until(() => Buffer.concat(chunks).length === 7005);
      expect(Buffer.concat(chunks).equals(Buffer.concat(parts))).toBe(true);

      // The next tick's writes are corked again, and a write callback still runs.
      let called = false;
      socket.write(Buffer.from('next'), () => (called = true));
      expect(socket.writableCorked).toBe(1);
      await until(() => called);
      await until(() => Buffer.concat(chunks).length === 7009);
      expect(Buffer.concat(chunks).subarray(7005).toString()).toBe('next');
    } finally {
      socket.destroy();
    }
  });

  it("turns Nagle's algorithm off", async () => {
    const socket = await pgSocket({ host: ['127.0.0.1'], port: [srv.port] });
    try {
      // Node exposes no getter; the option is kept on the socket and applied to the handle.
      const noDelay = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
      expect(noDelay && (socket as unknown as Record<symbol, unknown>)[noDelay]).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('tries the hosts in order and connects to the first that answers', async () => {
    const dead = await closedPort();
    const socket = await pgSocket({ host: ['127.0.0.1', '127.0.0.1'], port: [dead, srv.port] });
    try {
      expect(socket.remotePort).toBe(srv.port);
      // What postgres.js reads for the TLS server name and its connection errors.
      expect(socket).toMatchObject({ host: '127.0.0.1', port: srv.port });
    } finally {
      socket.destroy();
    }
  });

  it('starts each connection at the host after the last one given (a standby first is not taken forever)', async () => {
    // postgres.js turns down a standby when `target_session_attrs=primary` and connects again with
    // the same options: the next socket must come from the other host, whichever answered first before.
    const other = await recordingServer();
    const options = { host: ['127.0.0.1', '127.0.0.1'], port: [srv.port, other.port] };
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) sockets.push(await pgSocket(options));
      expect(sockets.map((s) => s.remotePort)).toEqual([srv.port, other.port, srv.port, other.port]);
      // Another pool (another options object) starts at the first host again.
      sockets.push(await pgSocket({ host: ['127.0.0.1', '127.0.0.1'], port: [srv.port, other.port] }));
      expect(sockets[4]!.remotePort).toBe(srv.port);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => other.server.close(r));
    }
  });

  it('skips a host that does not answer and goes on from the one that did', async () => {
    const dead = await closedPort();
    const options = { host: ['127.0.0.1', '127.0.0.1'], port: [srv.port, dead] };
    const first = await pgSocket(options);
    const second = await pgSocket(options);
    try {
      expect([first.remotePort, second.remotePort]).toEqual([srv.port, srv.port]);
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('refuses with the last error when no host answers', async () => {
    const dead = await closedPort();
    await expect(pgSocket({ host: ['127.0.0.1'], port: [dead] })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
