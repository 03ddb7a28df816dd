import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { EntityName, EntityRow } from '../../../api/types';
import { formatDateTime, formatValue, NO_VALUE, shortId } from '../../../lib/format';
import { recordPath, referenceId } from '../../../lib/records';

/** A UTC timestamp people can read, with the exact instant for machines (and the browser tests). */
export function Timestamp({ value, zone = true }: { value: unknown; zone?: boolean }) {
  if (typeof value !== 'string' || !value) return <>{NO_VALUE}</>;
  return (
    <time dateTime={value} className="whitespace-nowrap">
      {formatDateTime(value, { zone })}
    </time>
  );
}

/** Text that may be a long source id: shortened, the whole of it in the tooltip. */
export function MaybeId({ value }: { value: unknown }) {
  if (typeof value !== 'string' || !value) return <>{formatValue(value)}</>;
  const short = shortId(value);
  return short === value ? <>{value}</> : <span title={value}>{short}</span>;
}

/** A number with its exact value kept in a <data> element. */
export function NumberValue({ value, children }: { value: unknown; children?: ReactNode }) {
  if (typeof value !== 'number') return <>{NO_VALUE}</>;
  return <data value={value}>{children ?? formatValue(value)}</data>;
}

/** A link to the record a row refers to (a ticket's company), labelled with the row's copy of its name. */
export function ReferenceLink({
  row,
  entity,
  keyColumn,
  label,
}: {
  row: EntityRow;
  entity: EntityName;
  keyColumn: string;
  label: unknown;
}) {
  const id = referenceId(row, keyColumn);
  const text = typeof label === 'string' && label ? shortId(label) : id && shortId(String(row[keyColumn]));
  if (!id || !text) return <>{NO_VALUE}</>;
  return (
    <Link to={recordPath(entity, id)} className="text-indigo-700 underline-offset-2 hover:underline">
      {text}
    </Link>
  );
}

export function RecordLink({
  entity,
  row,
  children,
}: {
  entity: EntityName;
  row: EntityRow;
  children: ReactNode;
}) {
  return (
    <Link
      to={recordPath(entity, row.id)}
      className="font-medium text-indigo-700 underline-offset-2 hover:underline"
    >
      {children}
    </Link>
  );
}

export function YesNo({ value, yes = 'Yes', no = 'No' }: { value: unknown; yes?: string; no?: string }) {
  if (typeof value !== 'boolean') return <>{NO_VALUE}</>;
  return <>{value ? yes : no}</>;
}
