import { useEffect, type ReactNode } from 'react';
import { useSession } from '../../../api/context';

/** A page's heading row (title, what it shows, its controls), and the document title with the tenant's name. */
export function Page({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const state = useSession();
  const tenant = state.status === 'signed-in' ? tenantName(state.session.user) : undefined;
  useEffect(() => {
    document.title = [title, tenant, 'avesa'].filter(Boolean).join(' · ');
  }, [title, tenant]);
  return (
    <>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold break-words text-slate-900 sm:text-2xl">{title}</h1>
          {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
        </div>
        {actions}
      </div>
      <div className="space-y-4">{children}</div>
    </>
  );
}

export function tenantName(user: { tenantId: string; tenantName?: string }): string {
  return user.tenantName || user.tenantId;
}
