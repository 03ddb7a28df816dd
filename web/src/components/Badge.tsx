import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'good' | 'bad' | 'warn' | 'info';

const TONES: Record<Tone, string> = {
  neutral: 'bg-slate-100 text-slate-800 ring-slate-300',
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  bad: 'bg-rose-50 text-rose-800 ring-rose-300',
  warn: 'bg-amber-50 text-amber-900 ring-amber-300',
  info: 'bg-indigo-50 text-indigo-800 ring-indigo-300',
};

/** A short status label. Its words carry the meaning; the tone only repeats it. */
export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
