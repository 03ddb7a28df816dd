/** A measured figure beside the target it is judged against, so every report says met or not met. */
export interface Target {
  /** `atLeast`: value ≥ bound; `atMost`: value ≤ bound; `below`: value < bound. */
  kind: 'atLeast' | 'atMost' | 'below';
  bound: number;
  /** Where the target comes from, when it is not issue 6's list (e.g. "seed claim"). */
  note?: string;
}

export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  target: Target | null;
  /** null when the figure has no target (it is context for another one). */
  met: boolean | null;
}

export const atLeast = (bound: number, note?: string): Target => ({
  kind: 'atLeast',
  bound,
  ...(note ? { note } : {}),
});
export const atMost = (bound: number, note?: string): Target => ({
  kind: 'atMost',
  bound,
  ...(note ? { note } : {}),
});
export const below = (bound: number, note?: string): Target => ({
  kind: 'below',
  bound,
  ...(note ? { note } : {}),
});

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  switch (target.kind) {
    case 'atLeast':
      return value >= target.bound;
    case 'atMost':
      return value <= target.bound;
    case 'below':
      return value < target.bound;
  }
}

export function figure(
  scenario: string,
  name: string,
  value: number,
  unit: string,
  target: Target | null = null,
): Figure {
  return { scenario, name, value, unit, target, met: target ? meets(value, target) : null };
}

const SYMBOL: Record<Target['kind'], string> = { atLeast: '≥', atMost: '≤', below: '<' };

export function describeTarget(target: Target | null, unit: string): string {
  if (!target) return '—';
  const bound = target.bound.toLocaleString('en-US', { maximumFractionDigits: 3 });
  const text = `${SYMBOL[target.kind]} ${bound}${unit ? ` ${unit}` : ''}`;
  return target.note ? `${text} (${target.note})` : text;
}

/** Thousands separators; three decimals under 10 (so 1.051 does not read as the 1.05 target), one under 100. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const digits =
    magnitude === 0 || Number.isInteger(value) ? 0 : magnitude < 10 ? 3 : magnitude < 100 ? 1 : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
