import { describe, expect, it } from 'vitest';
import { cacheControlFor, IMMUTABLE, REVALIDATE } from './webAssets.ts';

describe('cache control of the web app files', () => {
  it('hashed assets (and their compressed siblings) for a year; the pages and public files revalidate', () => {
    expect(cacheControlFor('/srv/web/dist/assets/index-BBxoFdCw.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/srv/web/dist/assets/index-BBxoFdCw.js.br')).toBe(IMMUTABLE);
    expect(cacheControlFor('/srv/web/dist/assets/hainan-DxsivgcM.json.gz')).toBe(IMMUTABLE);
    expect(cacheControlFor('/srv/web/dist/index.html')).toBe(REVALIDATE);
    expect(cacheControlFor('/srv/web/dist/index.html.br')).toBe(REVALIDATE);
    expect(cacheControlFor('/srv/web/dist/favicon.svg')).toBe(REVALIDATE);
    expect(cacheControlFor('/srv/web/dist/404.html')).toBe(REVALIDATE);
  });
});
