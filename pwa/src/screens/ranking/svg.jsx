// Small hand-made inline SVG charts (no library): histogram, grouped bars, line. Each scales to
// the card's width (viewBox) and carries a text alternative. One unit per chart (every series of a
// chart on one scale), and axis labels never overlap: category labels are shortened to the room
// they have (full text in the <title>), and x labels are thinned to every k-th when they would
// touch. At 360 px the viewBox is drawn at ~0.95 scale, so the 12 px text stays ≥ 11 px.
const W = 340;
const COLORS = ['#b71c1c', '#1565c0', '#2e7d32', '#ef6c00'];

const nice = (max) => {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= max);
};

/** Rough width of `text` at 12 px: CJK and full-width ≈ 12 px, the rest ≈ 7 px. */
export const textWidth = (text) => [...String(text)].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 12 : 7), 0);

/** `text` cut to fit `px` (an ellipsis marks the cut). */
export function fitText(text, px) {
  const s = String(text);
  if (textWidth(s) <= px) return s;
  let out = '';
  for (const c of s) {
    if (textWidth(`${out}${c}…`) > px) break;
    out += c;
  }
  return `${out}…`;
}

/** Show every k-th of `labels` so that neighbours at `slot` px apart keep a 6 px gap. */
const everyKth = (labels, slot) => Math.max(1, Math.ceil((Math.max(0, ...labels.map(textWidth)) + 6) / Math.max(1, slot)));

/** bins: [{ label, value, title? }] — vertical bars (e.g. how many totals fall in each 10-point band). */
export function Histogram({ bins, label, testid }) {
  const H = 180,
    L = 28,
    B = 28,
    T = 10;
  const max = nice(Math.max(0, ...bins.map((b) => b.value)));
  const bw = (W - L - 4) / Math.max(1, bins.length);
  const k = everyKth(
    bins.map((b) => b.label),
    bw,
  );
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
            <title>{`${b.title || b.label}: ${b.value}`}</title>
          </rect>
          {b.value > 0 && (
            <text x={L + i * bw + bw / 2} y={y(b.value) - 2} text-anchor="middle">
              {b.value}
            </text>
          )}
          {i % k === 0 && (
            <text x={L + i * bw + bw / 2} y={H - B + 14} text-anchor="middle">
              {b.label}
            </text>
          )}
        </g>
      ))}
      <line class="axis" x1={L} x2={W} y1={H - B} y2={H - B} />
    </svg>
  );
}

/** rows: [{ label, values: [..] }], series: [{ name, format }] — horizontal grouped bars, every series
 * on one scale (one unit per chart): 0..`max` (default: a round number above the largest value),
 * with the scale's ticks along the top. Row labels are shortened to the room on the left. */
export function Bars({ rows, series, label, testid, max: fixedMax, format }) {
  const L = 78,
    T = 18,
    R = 40,
    rowH = 10 + series.length * 12,
    H = T + rows.length * rowH + 4;
  const max = fixedMax ?? nice(Math.max(0, ...rows.flatMap((r) => r.values.filter((v) => v != null))));
  const span = W - L - R;
  const x = (v) => L + (span * v) / max;
  return (
    <svg class="a7-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testid}>
      <title>{label}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line class="grid" x1={x(max * f)} x2={x(max * f)} y1={T - 2} y2={H - 4} />
          <text x={x(max * f)} y={T - 6} text-anchor={f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}>
            {format(max * f)}
          </text>
        </g>
      ))}
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0 ${T + i * rowH + 2})`}>
          <text x={L - 6} y={rowH / 2} text-anchor="end">
            <title>{r.label}</title>
            {fitText(r.label, L - 8)}
          </text>
          {series.map((s, j) => {
            const v = r.values[j];
            const w = v == null ? 0 : Math.max(0, Math.min(span, x(v) - L));
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
      <line class="axis" x1={L} x2={L} y1={T - 2} y2={H - 4} />
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
  const k = everyKth(
    points.map((p) => p.x),
    points.length < 2 ? W : (W - L - R) / (points.length - 1),
  );
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
      {points.map(
        (p, i) =>
          i % k === 0 && (
            <text key={p.x} x={x(i)} y={H - 6} text-anchor={points.length > 1 && i === points.length - 1 ? 'end' : 'middle'}>
              {p.x}
            </text>
          ),
      )}
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
