import type { StateStore } from '../ports';

/**
 * Watermarks are the one piece of state shared between stages: progress commits them, the planner reads them.
 * A watermark is the upper bound of the last window that was synced completely (DESIGN §4.1, §4.2).
 */
export interface Watermark {
  watermark: string;
  jobId: string;
  committedAt: string;
  /**
   * Records fetched in the window this watermark closes (change marks only): the planner probes a table whose
   * last window was small instead of surveying it. Absent in older state and after a resumed plan, whose count
   * covers only part of its window: the planner then surveys.
   */
  windowRecords?: number;
}

/**
 * Two kinds of forward-only mark per (tenant, source, table): the change watermark, and how far the table's
 * deletes are known (the last delete sweep's window end, DESIGN §11), which moves at its own pace.
 */
type MarkKind = 'watermark' | 'deletes';

const pk = (tenantId: string, kind: MarkKind = 'watermark') => `${kind}#${tenantId}`;
const sk = (source: string, table: string) => `${source}#${table}`;

export async function readWatermark(
  state: StateStore,
  tenantId: string,
  source: string,
  table: string,
): Promise<Watermark | undefined> {
  return (await state.get<Watermark>(pk(tenantId), sk(source, table)))?.value;
}

/** Up to when the table's deletes at the source are reflected in the lake (a sweep's end, or the first sync). */
export async function readDeletesKnownTo(
  state: StateStore,
  tenantId: string,
  source: string,
  table: string,
): Promise<Watermark | undefined> {
  return (await state.get<Watermark>(pk(tenantId, 'deletes'), sk(source, table)))?.value;
}

export async function listWatermarks(
  state: StateStore,
  tenantId: string,
): Promise<Array<Watermark & { source: string; table: string }>> {
  const items = await state.query<Watermark>(pk(tenantId));
  return items.map((item) => {
    const [source = '', table = item.sk] = item.sk.split('#');
    return { ...item.value, source, table };
  });
}

/**
 * Moves the watermark forward, never back: a late or replayed commit of an older job is ignored.
 * Returns the watermark in force afterwards.
 */
export async function commitWatermark(
  state: StateStore,
  key: { tenantId: string; source: string; table: string },
  next: Watermark,
  kind: MarkKind = 'watermark',
): Promise<Watermark> {
  for (;;) {
    const current = await state.get<Watermark>(pk(key.tenantId, kind), sk(key.source, key.table));
    if (current && Date.parse(current.value.watermark) >= Date.parse(next.watermark)) return current.value;
    const written = await state.putIfVersion(
      pk(key.tenantId, kind),
      sk(key.source, key.table),
      next,
      current?.version ?? 0,
    );
    if (written) return next;
    // Another commit won the race: re-read and compare again.
  }
}
