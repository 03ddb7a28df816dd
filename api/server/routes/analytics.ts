import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  agingResponseSchema,
  dashboardResponseSchema,
  errorResponseSchema,
  PERIODS,
  periodQuerySchema,
  technicianHoursResponseSchema,
  ticketStatusResponseSchema,
  topCompaniesQuerySchema,
  topCompaniesResponseSchema,
  trendQuerySchema,
  trendResponseSchema,
  type PeriodQuery,
} from '../../contract';
import type { Period } from '../../store/queries';

const DAY = 86_400_000;

/**
 * The period a query names: explicit from/to, or the named number of days up to and including today (UTC).
 * Ending at the next midnight, not at "now", keeps the period — and so the cache key — stable all day.
 */
export function resolvePeriod(query: PeriodQuery, now: Date): Period {
  if (query.from && query.to) return { from: query.from, to: query.to };
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY);
  return { from: new Date(to.getTime() - PERIODS[query.period] * DAY), to };
}

const errors = { 400: errorResponseSchema };

/** GET /api/analytics/*: the dashboard's KPIs and charts. */
export async function analyticsRoutes(root: FastifyInstance, options: { now: () => Date }): Promise<void> {
  const api = root.withTypeProvider<ZodTypeProvider>();
  const period = (query: PeriodQuery) => resolvePeriod(query, options.now());
  api.get(
    '/analytics/dashboard',
    {
      schema: {
        tags: ['analytics'],
        summary: 'the KPI tiles: each with its value in the period and in the period before',
        querystring: periodQuerySchema,
        response: { 200: dashboardResponseSchema, ...errors },
      },
    },
    async (request) => request.analytics.dashboard(period(request.query)),
  );
  api.get(
    '/analytics/tickets/status',
    {
      schema: {
        tags: ['analytics'],
        summary: 'open tickets now, by status, priority and board',
        response: { 200: ticketStatusResponseSchema },
      },
    },
    async (request) => request.analytics.ticketStatus(),
  );
  api.get(
    '/analytics/tickets/trend',
    {
      schema: {
        tags: ['analytics'],
        summary: 'tickets created and closed per day, week or month of the period',
        querystring: periodQuerySchema.and(trendQuerySchema),
        response: { 200: trendResponseSchema, ...errors },
      },
    },
    async (request) => request.analytics.createdVsClosed(period(request.query), request.query.interval),
  );
  api.get(
    '/analytics/tickets/aging',
    {
      schema: {
        tags: ['analytics'],
        summary: 'open tickets by age, and how many of each age are past due',
        response: { 200: agingResponseSchema },
      },
    },
    async (request) => request.analytics.aging(),
  );
  api.get(
    '/analytics/technicians/hours',
    {
      schema: {
        tags: ['analytics'],
        summary: 'hours per technician in the period, billable and not, and utilization',
        querystring: periodQuerySchema,
        response: { 200: technicianHoursResponseSchema, ...errors },
      },
    },
    async (request) => request.analytics.technicianHours(period(request.query)),
  );
  api.get(
    '/analytics/companies/top',
    {
      schema: {
        tags: ['analytics'],
        summary: 'the companies with the most tickets (or hours) in the period',
        querystring: periodQuerySchema.and(topCompaniesQuerySchema),
        response: { 200: topCompaniesResponseSchema, ...errors },
      },
    },
    async (request) =>
      request.analytics.topCompanies(period(request.query), request.query.by, request.query.limit),
  );
}
