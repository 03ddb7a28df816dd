import { formatInteger } from '../../../lib/format';
import { Button } from '../../Button';
import { PAGE_SIZES } from './listState';

interface PaginationProps {
  offset: number;
  limit: number;
  total: number | undefined;
  /** "tickets": what the rows are, for "1–25 of 3,900 tickets". */
  noun: string;
  onOffset(offset: number): void;
  onLimit?: (limit: number) => void;
}

export function Pagination({ offset, limit, total, noun, onOffset, onLimit }: PaginationProps) {
  const known = total !== undefined;
  const first = known && total > 0 ? offset + 1 : 0;
  const last = known ? Math.min(offset + limit, total) : 0;
  const pages = known ? Math.max(1, Math.ceil(total / limit)) : 1;
  const page = Math.floor(offset / limit) + 1;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
      <p aria-live="polite" data-testid="range" className="min-h-5 tabular-nums">
        {known && (
          <>
            {total === 0 ? `No ${noun}` : `${formatInteger(first)}–${formatInteger(last)} of `}
            {total > 0 && <data value={total}>{formatInteger(total)}</data>}
            {total > 0 && ` ${noun}`}
          </>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {onLimit && (
          <label className="flex items-center gap-2">
            Rows per page
            <select
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
              value={limit}
              onChange={(event) => onLimit(Number(event.target.value))}
            >
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="tabular-nums">
          Page {formatInteger(page)} of {formatInteger(pages)}
        </span>
        <Button onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
          <span aria-hidden="true">←</span> Previous
        </Button>
        <Button onClick={() => onOffset(offset + limit)} disabled={!known || offset + limit >= total}>
          Next <span aria-hidden="true">→</span>
        </Button>
      </div>
    </div>
  );
}
