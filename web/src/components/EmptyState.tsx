import type { ReactNode } from 'react';

/** "Nothing here" in the space the content would take. */
export function EmptyState({
  title,
  children,
  className = '',
}: {
  title: ReactNode;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={`flex flex-col items-center justify-center gap-1 text-center text-sm text-slate-600 ${className}`}
    >
      <p className="font-medium text-slate-800">{title}</p>
      {children}
    </div>
  );
}
