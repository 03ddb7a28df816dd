import { findSource } from '../../sources/registry';
import type { SourceConfig } from '../config/tenantsFile';
import { ValidationError } from '../errors';
import type { RequestBudget, SecretStore, TenantRegistry } from '../ports';
import type { SourceConnector, SourceReader } from './connector';
import type { HttpOverrides } from './sourceHttp';

export interface ReaderRequestOptions {
  /** Ms since epoch after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
  /** Retry-After values up to this are waited out in-process. */
  maxRateLimitWaitSeconds?: number;
}

/** A tenant's source as configured: its connector and settings (no secrets). */
export interface ConfiguredSource {
  connector: SourceConnector;
  settings: SourceConfig;
}

export type ConfiguredSourceFor = (tenantId: string, source: string) => Promise<ConfiguredSource>;

export type SourceReaderFor = (
  tenantId: string,
  source: string,
  options?: ReaderRequestOptions,
) => Promise<ConfiguredSource & { reader: SourceReader }>;

/**
 * Looks a tenant's source up in the registry: a tenant that is not registered, or has not configured the
 * source, is a permanent error naming both (it fails that tenant's tables, never another tenant).
 */
export function configuredSources(registry: TenantRegistry): ConfiguredSourceFor {
  return async (tenantId, source) => {
    const connector = findSource(source);
    if (!connector) throw new ValidationError(`tenant ${tenantId}: unknown source ${JSON.stringify(source)}`);
    const tenant = await registry.getTenant(tenantId);
    const settings = tenant?.services[source];
    if (!tenant || !settings) {
      throw new ValidationError(
        `tenant ${tenantId}: not registered, or has no ${connector.label} (${source}) service configured`,
      );
    }
    return { connector, settings };
  };
}

/**
 * Builds a tenant's reader for one source from the registry (settings), the secret store (credentials,
 * validated by the connector) and the shared request budget. A fresh reader per invocation keeps its
 * API-call count per invocation; the budget is shared.
 */
export function sourceReaderFactory(deps: {
  registry: TenantRegistry;
  secrets: SecretStore;
  budget: RequestBudget;
  overrides?: HttpOverrides;
}): SourceReaderFor {
  const configured = configuredSources(deps.registry);
  return async (tenantId, source, options = {}) => {
    const { connector, settings } = await configured(tenantId, source);
    const stored = await deps.secrets.sourceCredentials(tenantId, source);
    const credentials = connector.credentialsSchema.safeParse(stored);
    if (!credentials.success) {
      // Paths only: a zod message may quote the value, and these are secrets.
      const fields = [...new Set(credentials.error.issues.map((issue) => issue.path.join('.') || '(all)'))];
      throw new ValidationError(
        `tenant ${tenantId}, source ${source}: the stored credentials are incomplete or wrong: ${fields.join(', ')}`,
      );
    }
    const reader = connector.connect({
      tenantId,
      settings,
      credentials: credentials.data,
      budget: deps.budget,
      ...deps.overrides,
      ...options,
    });
    return { connector, settings, reader };
  };
}
