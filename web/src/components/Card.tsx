import type { ReactNode } from 'react';

interface CardProps {
  title?: ReactNode;
  /** A sentence under the title: what the card measures. */
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Heading level of the title within the page. */
  as?: 'h2' | 'h3';
}

export function Card({
  title,
  description,
  actions,
  children,
  className = '',
  as: Heading = 'h2',
}: CardProps) {
  return (
    <section className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}>
      {(title || actions) && (
        <header className="mb-3 flex flex-wrap items-start justify-between gap-2">
          <div>
            {title && <Heading className="text-base font-semibold text-slate-900">{title}</Heading>}
            {description && <p className="text-sm text-slate-600">{description}</p>}
          </div>
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}
