import { ValidationError } from '../../shared/errors';
import type { RequestBudget, SecretStore, TenantRegistry } from '../../shared/ports';
import { ConnectWiseClient, type ConnectWiseClientOptions, type ConnectWiseReader } from './client';

export interface ClientRequestOptions {
  /** Ms since epoch after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
  /** Retry-After values up to this are waited out in-process (see ConnectWiseClientOptions). */
  maxRateLimitWaitSeconds?: number;
}

export type ConnectWiseClientFor = (
  tenantId: string,
  options?: ClientRequestOptions,
) => Promise<ConnectWiseReader>;

/**
 * Builds a tenant's client from the registry (base URL, budget) and the secret store (credentials).
 * A fresh client per invocation keeps its API-call count per invocation; the budget is shared.
 */
export function connectWiseClientFactory(deps: {
  registry: TenantRegistry;
  secrets: SecretStore;
  budget: RequestBudget;
  overrides?: Partial<
    Pick<ConnectWiseClientOptions, 'fetch' | 'retry' | 'requestTimeoutMs' | 'sleep' | 'random'>
  >;
}): ConnectWiseClientFor {
  return async (tenantId, options = {}) => {
    const tenant = await deps.registry.getTenant(tenantId);
    const service = tenant?.services.connectwise;
    if (!tenant || !service) {
      throw new ValidationError(
        `tenant ${tenantId}: not registered, or has no ConnectWise service configured`,
      );
    }
    const credentials = await deps.secrets.connectWiseCredentials(tenantId);
    return new ConnectWiseClient({
      tenantId,
      baseUrl: service.baseUrl,
      credentials,
      limits: {
        requestsPerMinute: service.requestsPerMinute,
        maxConcurrentRequests: service.maxConcurrentRequests,
      },
      budget: deps.budget,
      ...deps.overrides,
      ...options,
    });
  };
}
