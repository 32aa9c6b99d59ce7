/** Two small SVG line charts for the report: latency CDFs and throughput against concurrency. */

/** One named line of (x, y) points. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

/** A line chart with axes, ticks and a legend; `logX` plots x on a log scale. */
export function lineChart(options: {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly logX?: boolean;
  readonly yMax?: number;
}): string {
  const width = 720;
  const height = 420;
  const left = 70;
  const right = 200;
  const top = 40;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = options.series.flatMap((s) => s.points.map(([x]) => x)).filter((x) => Number.isFinite(x));
  const ys = options.series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => Number.isFinite(y));
  const log = options.logX === true;
  const xMinRaw = Math.max(log ? 0.1 : 0, Math.min(...xs, log ? 1 : 0));
  const xMax = log ? Math.max(...xs, 1) : niceMax(Math.max(...xs, 1));
  const yMax = options.yMax ?? niceMax(Math.max(...ys, 0));
  const fx = (x: number): number =>
    log
      ? left +
        ((Math.log10(Math.max(x, xMinRaw)) - Math.log10(xMinRaw)) /
          (Math.log10(xMax) - Math.log10(xMinRaw) || 1)) *
          plotW
      : left + (x / xMax) * plotW;
  const fy = (y: number): number => top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(options.title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
    `<text x="${left + plotW / 2}" y="${height - 12}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">${esc(options.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const y = (yMax * i) / 5;
    parts.push(
      `<line x1="${left}" y1="${fy(y)}" x2="${left + plotW}" y2="${fy(y)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${fy(y) + 4}" text-anchor="end">${formatTick(y)}</text>`,
    );
  }
  const xTicks = log
    ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((x) => x >= xMinRaw && x <= xMax)
    : Array.from({ length: 6 }, (_, i) => (xMax * i) / 5);
  for (const x of xTicks) {
    parts.push(`<text x="${fx(x)}" y="${top + plotH + 16}" text-anchor="middle">${formatTick(x)}</text>`);
  }
  options.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length] ?? 'black';
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length > 0) {
      const d = points.map(([x, y]) => `${fx(x).toFixed(1)},${fy(y).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
      if (points.length < 12) {
        for (const [x, y] of points)
          parts.push(`<circle cx="${fx(x).toFixed(1)}" cy="${fy(y).toFixed(1)}" r="3" fill="${color}"/>`);
      }
    }
    const ly = top + 10 + index * 18;
    parts.push(
      `<line x1="${left + plotW + 15}" y1="${ly}" x2="${left + plotW + 35}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${left + plotW + 40}" y="${ly + 4}">${esc(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return String(Number(value.toFixed(1)));
  return String(Number(value.toFixed(2)));
}
