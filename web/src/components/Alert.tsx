import type { ReactNode } from 'react';

/** An error the user must see (role=alert: read out at once), or a notice (role=status). */
export function Alert({
  tone = 'error',
  title,
  children,
}: {
  tone?: 'error' | 'info';
  title?: ReactNode;
  children?: ReactNode;
}) {
  const styles =
    tone === 'error'
      ? 'border-rose-300 bg-rose-50 text-rose-900'
      : 'border-indigo-200 bg-indigo-50 text-indigo-900';
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={`rounded-md border px-3 py-2 text-sm ${styles}`}
    >
      {title && (
        <p className="font-semibold">
          <span aria-hidden="true">{tone === 'error' ? '⚠ ' : 'ℹ '}</span>
          {title}
        </p>
      )}
      {children}
    </div>
  );
}
