/**
 * The overview's charts, on Recharts. This module is loaded on its own (React.lazy), so the KPI tiles and
 * every other page render without waiting for the chart library. Animations are off: numbers appear at
 * once, and screenshots are the same every time. Series differ in more than colour: a dashed line, square
 * markers, hatched bars.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCount, shortId } from '../../../lib/format';

export const COLORS = {
  primary: '#4f46e5',
  secondary: '#059669',
  muted: '#94a3b8',
  alert: '#e11d48',
  grid: '#e2e8f0',
  axis: '#475569',
};

const AXIS = { stroke: COLORS.axis, fontSize: 12, tickLine: false } as const;

/** A category's name on an axis: a source id shortened, a long name cut. */
function axisLabel(label: string): string {
  const short = shortId(label);
  return short.length > 18 ? `${short.slice(0, 17)}…` : short;
}

function Patterns() {
  return (
    <defs>
      <pattern
        id="hatch-muted"
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#e2e8f0" />
        <line x1="0" y1="0" x2="0" y2="6" stroke={COLORS.muted} strokeWidth="3" />
      </pattern>
      <pattern
        id="hatch-alert"
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#fecdd3" />
        <line x1="0" y1="0" x2="0" y2="6" stroke={COLORS.alert} strokeWidth="3" />
      </pattern>
    </defs>
  );
}

export interface TrendPoint {
  label: string;
  created: number;
  closed: number;
}

/** Tickets created (solid line, round markers) and closed (dashed line, square markers) per bucket. */
export function CreatedClosedChart({ points }: { points: TrendPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart
        data={points}
        margin={{ top: 8, right: 12, bottom: 0, left: -12 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke={COLORS.grid} vertical={false} />
        <XAxis dataKey="label" {...AXIS} minTickGap={16} />
        <YAxis {...AXIS} allowDecimals={false} tickFormatter={(value: number) => formatCount(value)} />
        <Tooltip isAnimationActive={false} />
        <Legend verticalAlign="top" height={28} iconType="plainline" />
        <Line
          type="monotone"
          dataKey="created"
          name="Created"
          stroke={COLORS.primary}
          strokeWidth={2}
          dot={{ r: 2 }}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="closed"
          name="Closed"
          stroke={COLORS.secondary}
          strokeWidth={2}
          strokeDasharray="6 3"
          dot={{ r: 2.5, strokeWidth: 0, fill: COLORS.secondary }}
          activeDot={{ r: 4 }}
          legendType="plainline"
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

export interface BarDatum {
  label: string;
  value: number;
}

/** One series as horizontal bars, largest first (open tickets by priority, top companies). */
export function HorizontalBars({ data, name, unit = '' }: { data: BarDatum[]; name: string; unit?: string }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart
        data={data}
        layout="vertical"
        margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke={COLORS.grid} horizontal={false} />
        <XAxis
          type="number"
          {...AXIS}
          allowDecimals={false}
          tickFormatter={(value: number) => formatCount(value)}
        />
        <YAxis type="category" dataKey="label" {...AXIS} width={120} interval={0} tickFormatter={axisLabel} />
        <Tooltip isAnimationActive={false} formatter={(value) => `${String(value)}${unit}`} />
        <Bar dataKey="value" name={name} fill={COLORS.primary} isAnimationActive={false} maxBarSize={22} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export interface SplitDatum {
  label: string;
  first: number;
  second: number;
}

/**
 * Two parts of one total per category, stacked: the first solid, the second hatched (billable and other
 * hours per technician; overdue and on-time tickets per age).
 */
export function StackedBars({
  data,
  names,
  layout = 'vertical',
  alertSecond = false,
}: {
  data: SplitDatum[];
  names: [string, string];
  layout?: 'vertical' | 'horizontal';
  /** The second part is bad news (overdue): hatched in red rather than grey. */
  alertSecond?: boolean;
}) {
  const horizontalBars = layout === 'vertical';
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart
        data={data}
        layout={layout}
        margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <Patterns />
        <CartesianGrid stroke={COLORS.grid} horizontal={!horizontalBars} vertical={horizontalBars} />
        {horizontalBars ? (
          <>
            <XAxis type="number" {...AXIS} tickFormatter={(value: number) => formatCount(value)} />
            <YAxis
              type="category"
              dataKey="label"
              {...AXIS}
              width={120}
              interval={0}
              tickFormatter={axisLabel}
            />
          </>
        ) : (
          <>
            <XAxis type="category" dataKey="label" {...AXIS} interval={0} />
            <YAxis
              type="number"
              {...AXIS}
              allowDecimals={false}
              tickFormatter={(value: number) => formatCount(value)}
            />
          </>
        )}
        <Tooltip isAnimationActive={false} />
        <Legend verticalAlign="top" height={28} />
        <Bar
          dataKey="first"
          name={names[0]}
          stackId="total"
          fill={alertSecond ? COLORS.muted : COLORS.primary}
          isAnimationActive={false}
          maxBarSize={28}
        />
        <Bar
          dataKey="second"
          name={names[1]}
          stackId="total"
          fill={alertSecond ? 'url(#hatch-alert)' : 'url(#hatch-muted)'}
          stroke={alertSecond ? COLORS.alert : COLORS.muted}
          isAnimationActive={false}
          maxBarSize={28}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
