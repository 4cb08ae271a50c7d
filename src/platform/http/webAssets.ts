/**
 * How the web app and the API's answers travel: br/gzip compression of every response, and the
 * built web app's files with caching by kind. Vite names every script, style, font and data file
 * under assets/ by its content hash, so those are cached for a year and never revalidated; the
 * entry page (index.html) and the unhashed public files (favicon) are revalidated on every load,
 * so a new release is picked up at once. The build writes .br and .gz beside each file
 * (web/vite.config.ts): those are sent as they are, compressed once at the best level.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** assets/<name>-<hash>.<ext>, or its .br / .gz sibling (the path the header is set for). */
const HASHED = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/;

export function cacheControlFor(path: string): string {
  return HASHED.test(path) ? IMMUTABLE : REVALIDATE;
}

/** br (quality 4, cheap enough per answer) or gzip, for answers of 1 KB and more of a compressible type. */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
}

export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    // The entry page is served by the route below: with pre-compressed files, the plugin's own
    // directory index answered "/" with a not-found.
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => void reply.header('cache-control', cacheControlFor(path)),
  });
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
}

/** A page the app has not (its routes are after the #): the 404 page, with the status. */
export function sendNotFoundPage(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/html; charset=utf-8').sendFile('404.html');
}
