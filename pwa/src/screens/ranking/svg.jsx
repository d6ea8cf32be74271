// Small hand-made inline SVG charts (no library): histogram, grouped bars, line. Each scales to
// the card's width (viewBox) and carries a text alternative.
const W = 340;
const COLORS = ['#b71c1c', '#1565c0', '#2e7d32', '#ef6c00'];

const nice = (max) => {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= max);
};

/** bins: [{ label, value }] — vertical bars (e.g. how many totals fall in each 10-point band). */
export function Histogram({ bins, label, testid }) {
  const H = 180,
    L = 28,
    B = 28,
    T = 10;
  const max = nice(Math.max(0, ...bins.map((b) => b.value)));
  const bw = (W - L - 4) / Math.max(1, bins.length);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  return (
    <svg class="a7-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testid}>
      <title>{label}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line class="grid" x1={L} x2={W} y1={y(max * f)} y2={y(max * f)} />
          <text x={L - 4} y={y(max * f) + 4} text-anchor="end">
            {pts0(max * f)}
          </text>
        </g>
      ))}
      {bins.map((b, i) => (
        <g key={i}>
          <rect x={L + i * bw + 1} y={y(b.value)} width={Math.max(1, bw - 2)} height={Math.max(0, H - B - y(b.value))} fill={COLORS[0]}>
            <title>{`${b.label}: ${b.value}`}</title>
          </rect>
          {b.value > 0 && (
            <text x={L + i * bw + bw / 2} y={y(b.value) - 2} text-anchor="middle">
              {b.value}
            </text>
          )}
          <text x={L + i * bw + bw / 2} y={H - B + 14} text-anchor="middle">
            {b.label}
          </text>
        </g>
      ))}
      <line class="axis" x1={L} x2={W} y1={H - B} y2={H - B} />
    </svg>
  );
}

/** rows: [{ label, values: [..] }], series: [{ name, max?, format }] — horizontal grouped bars, each series on its own 0..max scale. */
export function Bars({ rows, series, label, testid }) {
  const L = 72,
    rowH = 10 + series.length * 12,
    H = rows.length * rowH + 8;
  const maxes = series.map((s, j) => s.max ?? nice(Math.max(0, ...rows.map((r) => r.values[j] ?? 0))));
  const span = W - L - 44;
  return (
    <svg class="a7-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testid}>
      <title>{label}</title>
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0 ${i * rowH + 4})`}>
          <text x={L - 4} y={rowH / 2} text-anchor="end">
            {r.label.length > 6 ? `${r.label.slice(0, 6)}…` : r.label}
          </text>
          {series.map((s, j) => {
            const v = r.values[j];
            const w = v == null ? 0 : Math.max(0, (span * v) / maxes[j]);
            return (
              <g key={s.name}>
                <rect x={L} y={j * 12 + 2} width={w} height={10} fill={COLORS[j % COLORS.length]}>
                  <title>{`${r.label} ${s.name}: ${s.format(v)}`}</title>
                </rect>
                <text x={L + w + 3} y={j * 12 + 11}>
                  {s.format(v)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

/** points: [{ x: label, values: [..] }], series: [{ name, format }] — a line per series on one scale. */
export function Line({ points, series, label, testid }) {
  const H = 180,
    L = 32,
    B = 24,
    T = 12,
    R = 12;
  const all = points.flatMap((p) => p.values).filter((v) => v != null);
  const max = nice(Math.max(0, ...all));
  const x = (i) => L + (points.length < 2 ? (W - L - R) / 2 : ((W - L - R) * i) / (points.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  return (
    <svg class="a7-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testid}>
      <title>{label}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line class="grid" x1={L} x2={W - R} y1={y(max * f)} y2={y(max * f)} />
          <text x={L - 4} y={y(max * f) + 4} text-anchor="end">
            {pts0(max * f)}
          </text>
        </g>
      ))}
      {series.map((s, j) => {
        const pts = points.map((p, i) => [x(i), p.values[j]]).filter(([, v]) => v != null);
        return (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={COLORS[j % COLORS.length]}
              stroke-width="2"
              points={pts.map(([px, v]) => `${px},${y(v)}`).join(' ')}
            />
            {pts.map(([px, v], i) => (
              <circle key={i} cx={px} cy={y(v)} r="3.5" fill={COLORS[j % COLORS.length]}>
                <title>{`${s.name}: ${s.format(v)}`}</title>
              </circle>
            ))}
          </g>
        );
      })}
      {points.map((p, i) => (
        <text key={p.x} x={x(i)} y={H - 6} text-anchor="middle">
          {p.x}
        </text>
      ))}
      <line class="axis" x1={L} x2={W - R} y1={H - B} y2={H - B} />
    </svg>
  );
}

export function Legend({ series }) {
  return (
    <p class="a7-legend">
      {series.map((s, j) => (
        <span key={s.name}>
          <i style={{ background: COLORS[j % COLORS.length] }} />
          {s.name}
        </span>
      ))}
    </p>
  );
}

const pts0 = (v) => String(Math.round(v * 10) / 10);
