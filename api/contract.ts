/**
 * The API's request and response schemas (zod): the routes validate with them (400 naming the parameter),
 * serialize through them (undeclared fields are stripped), and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import type { CanonicalColumn } from '../mappings/canonical';
import { ENTITIES, entityColumns, type EntityName } from './entities';
import { KPI_DEFINITIONS, type KpiName } from './store/kpis';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const isoDateTime = z.string().describe('ISO 8601 date-time, UTC');

function columnSchema(column: CanonicalColumn) {
  switch (column.type) {
    case 'string':
      return z.string().nullable();
    case 'integer':
      return z.number().int().nullable();
    case 'number':
      return z.number().nullable();
    case 'boolean':
      return z.boolean().nullable();
    case 'timestamp':
      return isoDateTime.nullable();
    case 'json':
      return z.unknown();
  }
}

/** A record as the API returns it: its canonical columns, plus `id` (`{source}:{key}`, api/entities.ts). */
export function entityRowSchema(entity: EntityName) {
  return z.object({
    id: z.string().describe('{source}:{id at the source}; unique within the tenant'),
    ...Object.fromEntries(entityColumns(entity).map((column) => [column.name, columnSchema(column)])),
  });
}

/** A date (midnight UTC) or a date-time. */
const instant = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text), {
    message: 'expected a date (YYYY-MM-DD) or an ISO 8601 date-time',
  })
  .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not a valid date' })
  .transform((text) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text));

const flag = z.enum(['true', 'false']).transform((text) => text === 'true');

export const MAX_PAGE_SIZE = 500;

/** The query string of GET /api/{entity}: paging, search, sort and the entity's filters. */
export function listQuerySchema(entity: EntityName) {
  const definition = ENTITIES[entity];
  const sortable = entityColumns(entity).map((column) => column.name) as [string, ...string[]];
  const filters = Object.fromEntries(
    definition.filters.map((filter) => [
      filter.param,
      (filter.kind === 'boolean' ? flag : filter.kind === 'text' ? z.string().min(1).max(200) : instant)
        .optional()
        .describe(filter.description),
    ]),
  );
  return z.object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    search: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(`matches ${definition.searchColumns.join(', ')}`),
    sort: z.enum(sortable).default(definition.defaultSort.column),
    order: z.enum(['asc', 'desc']).default(definition.defaultSort.order),
    ...filters,
  });
}

export function listResponseSchema(entity: EntityName) {
  return z.object({
    data: z.array(entityRowSchema(entity)),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

export const idParamsSchema = z.object({
  id: z
    .string()
    .min(3)
    .max(300)
    .regex(/^[a-z0-9_-]+:.+$/, { message: 'expected {source}:{id}, e.g. connectwise:250' }),
});

export const PERIODS = { '7d': 7, '30d': 30, '90d': 90, '365d': 365 } as const;

/** The period of the analytics endpoints: a named one ending today, or explicit from/to dates. */
export const periodQuerySchema = z
  .object({
    period: z
      .enum(Object.keys(PERIODS) as [keyof typeof PERIODS, ...Array<keyof typeof PERIODS>])
      .default('30d')
      .describe('the days up to and including today (UTC); ignored when from and to are given'),
    from: instant.optional().describe('start of the period (inclusive)'),
    to: instant.optional().describe('end of the period (exclusive)'),
  })
  .refine((query) => (query.from === undefined) === (query.to === undefined), {
    message: 'from and to go together',
    path: ['from'],
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine(
    (query) => !query.from || !query.to || query.to.getTime() - query.from.getTime() <= 3660 * 86400_000,
    {
      message: 'a period is at most ten years',
      path: ['to'],
    },
  );

export type PeriodQuery = z.infer<typeof periodQuerySchema>;

const periodSchema = z.object({ from: isoDateTime, to: isoDateTime });

const kpiSchema = z.object({
  value: z.number().nullable(),
  previous: z.number().nullable(),
  unit: z.enum(['count', 'ratio', 'hours', 'minutes', 'currency_per_hour']),
});

export const dashboardResponseSchema = z.object({
  period: periodSchema,
  previousPeriod: periodSchema,
  asOf: isoDateTime,
  kpis: z.object(
    Object.fromEntries(
      (Object.keys(KPI_DEFINITIONS) as KpiName[]).map((name) => [
        name,
        kpiSchema.describe(KPI_DEFINITIONS[name].description),
      ]),
    ) as Record<KpiName, typeof kpiSchema>,
  ),
});
export type DashboardResponse = z.infer<typeof dashboardResponseSchema>;

const countBy = (key: string) =>
  z.array(z.object({ [key]: z.string().nullable(), tickets: z.number().int() }));

export const ticketStatusResponseSchema = z.object({
  open: z.number().int(),
  byStatus: countBy('status'),
  byPriority: countBy('priority'),
  byBoard: countBy('board'),
});
export type TicketStatusResponse = z.infer<typeof ticketStatusResponseSchema>;

export const trendQuerySchema = z.object({
  interval: z.enum(['day', 'week', 'month']).default('day'),
});

export const trendResponseSchema = z.object({
  period: periodSchema,
  interval: z.enum(['day', 'week', 'month']),
  points: z.array(z.object({ bucket: z.string(), created: z.number().int(), closed: z.number().int() })),
});
export type TrendResponse = z.infer<typeof trendResponseSchema>;

export const agingResponseSchema = z.object({
  asOf: isoDateTime,
  buckets: z.array(z.object({ label: z.string(), tickets: z.number().int(), overdue: z.number().int() })),
});
export type AgingResponse = z.infer<typeof agingResponseSchema>;

export const technicianHoursResponseSchema = z.object({
  period: periodSchema,
  technicians: z.array(
    z.object({
      member: z.string(),
      hours: z.number(),
      billableHours: z.number(),
      entries: z.number().int(),
      utilization: z.number().nullable(),
    }),
  ),
});
export type TechnicianHoursResponse = z.infer<typeof technicianHoursResponseSchema>;

export const topCompaniesQuerySchema = z.object({
  by: z.enum(['tickets', 'hours']).default('tickets'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const topCompaniesResponseSchema = z.object({
  period: periodSchema,
  by: z.enum(['tickets', 'hours']),
  companies: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      company_id: z.string(),
      name: z.string().nullable(),
      tickets: z.number().int(),
      hours: z.number(),
    }),
  ),
});
export type TopCompaniesResponse = z.infer<typeof topCompaniesResponseSchema>;

export const historyResponseSchema = z.object({
  id: z.string(),
  versions: z.array(
    z.object({
      valid_from: isoDateTime,
      valid_to: isoDateTime.nullable(),
      is_current: z.boolean(),
      /** The ticket was deleted at the source then (this version's valid_to); null otherwise. */
      deleted_at: isoDateTime.nullable(),
      /** Fields that differ from the version before (none for the first version). */
      changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
      record: entityRowSchema('tickets'),
    }),
  ),
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;

export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  /** For a 400: the parameters that are wrong, each with why. */
  issues: z.array(z.object({ parameter: z.string(), message: z.string() })).optional(),
});

const tableStatus = z.enum(['planning', 'fetching', 'synced', 'paused', 'failed']);

/** GET /api/pipeline (admin): whether the tenant's data is fresh, per source and table, and its recent jobs. */
export const pipelineResponseSchema = z.object({
  tenantId: z.string(),
  tables: z.array(
    z.object({
      source: z.string(),
      table: z.string(),
      /** In the newest job that synced the table (or tried to). */
      status: tableStatus,
      jobId: z.string(),
      jobStartedAt: isoDateTime,
      records: z
        .number()
        .int()
        .describe('records fetched by that job (an incremental job fetches the changes)'),
      currentRows: z.number().int().nullable().describe('current canonical rows after its compaction'),
      quarantined: z.number().int(),
      /** The synced-up-to instant the next job starts from, and when it was committed. */
      watermark: isoDateTime.nullable(),
      watermarkCommittedAt: isoDateTime.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
  jobs: z.array(
    z.object({
      jobId: z.string(),
      startedAt: isoDateTime,
      completedAt: isoDateTime.nullable(),
      status: z.enum(['running', 'succeeded', 'paused', 'failed']),
      records: z.number().int(),
      failedTables: z.number().int(),
    }),
  ),
  /** Messages of this tenant in the dead-letter queues; null where they cannot be counted (SQS). */
  deadLetters: z.number().int().nullable(),
});
export type PipelineResponse = z.infer<typeof pipelineResponseSchema>;

/** GET /api/tenant: the caller's tenant, for the dashboard's header. */
export const tenantResponseSchema = z.object({ id: z.string(), name: z.string() });
