/** A grey placeholder of the exact size of what is loading, so nothing moves when it arrives. */
export function Skeleton({ className = '' }: { className?: string }) {
  return (
    <div
      aria-hidden="true"
      className={`animate-pulse rounded bg-slate-200 motion-reduce:animate-none ${className}`}
    />
  );
}
