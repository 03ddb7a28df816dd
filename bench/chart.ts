import { formatNumber } from './figures';

export interface ChartSeries {
  name: string;
  color: string;
  /** Dashed: a bound rather than a measurement. */
  dashed?: boolean;
  points: Array<{ x: number; y: number }>;
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { top: 40, right: 20, bottom: 50, left: 80 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value)!;
}

/**
 * A line chart with a log2 x axis (concurrency doubles from point to point) and a linear y axis from 0, as
 * hand-written SVG: no dependency, and the file diffs as text.
 */
export function lineChartSvg(input: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Top of the y axis; lines above it are clipped. Default: the highest point, rounded up. */
  yMax?: number;
}): string {
  const xs = input.series.flatMap((series) => series.points.map((point) => point.x));
  const ys = input.series.flatMap((series) => series.points.map((point) => point.y)).filter(Number.isFinite);
  const xMin = Math.log2(Math.max(1, Math.min(...xs, 1)));
  const xMax = Math.max(xMin + 1, Math.log2(Math.max(...xs, 2)));
  const yMax = niceCeiling(input.yMax ?? Math.max(...ys, 0));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((Math.log2(x) - xMin) / (xMax - xMin)) * plotWidth;
  const py = (y: number) => MARGIN.top + plotHeight - (Math.min(y, yMax) / yMax) * plotHeight;
  const round = (value: number) => Number(value.toFixed(1));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(input.title)}</text>`,
  ];
  for (let step = 0; step <= 5; step++) {
    const value = (yMax * step) / 5;
    const y = round(py(value));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${WIDTH - MARGIN.right}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${formatNumber(value)}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const left = round(px(x));
    parts.push(
      `<line x1="${left}" y1="${MARGIN.top}" x2="${left}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${left}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${x}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${WIDTH - MARGIN.right}" y2="${MARGIN.top + plotHeight}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotHeight}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escape(input.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(input.yLabel)}</text>`,
  );
  input.series.forEach((series, index) => {
    const points = series.points.filter((point) => Number.isFinite(point.y));
    const path = points.map((point) => `${round(px(point.x))},${round(py(point.y))}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    for (const point of points) {
      parts.push(
        `<circle cx="${round(px(point.x))}" cy="${round(py(point.y))}" r="3" fill="${series.color}"/>`,
      );
    }
    const legendY = MARGIN.top + 12 + index * 16;
    parts.push(
      `<line x1="${MARGIN.left + 10}" y1="${legendY - 4}" x2="${MARGIN.left + 34}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${MARGIN.left + 40}" y="${legendY}">${escape(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
