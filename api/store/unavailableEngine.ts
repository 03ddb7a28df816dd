import type { AnalyticsEngine } from './port';

/** An error a route turns into 503: the store is not there (not configured, or down), with what to do. */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  readonly code = 'store_unavailable';
}

/**
 * The engine of a deployment without an analytics store: sign-in and /health work, every data request answers
 * 503 with the reason, and /health/detailed reports the store unreachable.
 */
export function unavailableEngine(reason: string): AnalyticsEngine {
  const fail = async (): Promise<never> => {
    throw new StoreUnavailableError(reason);
  };
  return { name: 'clickhouse', forTenant: fail, ping: async () => false, close: async () => {} };
}
