/** Small SVG charts for the risk pages: no chart library needed for a line or two over time. */
export interface Series {
  name: string;
  color: string;
  points: { x: string; y: number | null }[];
}

const W = 640;
const H = 180;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

export function LineChart({
  series,
  max,
  testId,
  format = (v) => v.toFixed(2),
}: {
  series: Series[];
  max?: number;
  testId?: string;
  format?: (v: number) => string;
}) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const values = series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  const top = max ?? Math.max(1e-9, ...values);
  const x = (i: number) =>
    PAD.left + (xs.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (xs.length - 1));
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const every = Math.max(1, Math.ceil(xs.length / 8));
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={series.map((s) => s.name).join(', ')}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} className="chart-grid" />
            <text x={PAD.left - 4} y={y(top * f) + 4} textAnchor="end" className="chart-label">
              {format(top * f)}
            </text>
          </g>
        ))}
        {xs.map((label, i) =>
          i % every === 0 ? (
            <text key={label} x={x(i)} y={H - 8} textAnchor="middle" className="chart-label">
              {label.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => {
          const pts = s.points
            .map((p) => ({ i: xs.indexOf(p.x), v: p.y }))
            .filter((p): p is { i: number; v: number } => p.v !== null);
          return (
            <g key={s.name}>
              <polyline
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                points={pts.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')}
              />
              {pts.map((p) => (
                <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={3} fill={s.color} />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.name} className="legend">
            <i style={{ background: s.color }} />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Stacked horizontal bar: how each part adds up to the score. */
export function ScoreBar({
  parts,
  total,
}: {
  parts: { label: string; value: number; color: string }[];
  total: number;
}) {
  const scale = Math.max(total, ...parts.map((p) => p.value), 1);
  return (
    <div className="score-bar" data-testid="risk-score-bar">
      {parts
        .filter((p) => p.value > 0)
        .map((p) => (
          <span
            key={p.label}
            title={`${p.label}: ${p.value.toFixed(1)}`}
            style={{ width: `${(p.value / scale) * 100}%`, background: p.color }}
          >
            {p.value >= scale * 0.08 ? p.label : ''}
          </span>
        ))}
    </div>
  );
}
