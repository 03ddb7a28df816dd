import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CONNECTWISE_TABLES, type ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { ValidationError } from '../errors';
import { TENANT_ID_PATTERN } from './tenantId';

/** A credential is written inline or read from an environment variable, so files can be committed without secrets. */
const credentialSchema = z.union([z.string().min(1), z.strictObject({ env: z.string().min(1) })]);

const connectWiseServiceSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .describe('e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0'),
  companyId: credentialSchema,
  publicKey: credentialSchema,
  privateKey: credentialSchema,
  clientId: credentialSchema,
  tables: z
    .array(z.enum(CONNECTWISE_TABLES as [ConnectWiseTable, ...ConnectWiseTable[]]))
    .min(1)
    .optional(),
  /** The tenant's API budget, shared by every worker of that tenant (DESIGN §5). */
  requestsPerMinute: z.number().int().positive().max(100_000).optional(),
  maxConcurrentRequests: z.number().int().positive().max(64).optional(),
  /** First-run lower bound (ISO timestamp); default: everything. */
  backfillFrom: z.iso.datetime({ offset: true }).optional(),
});

const tenantSchema = z.strictObject({
  id: z
    .string()
    .regex(TENANT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits, dashes)'),
  name: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  services: z.strictObject({ connectwise: connectWiseServiceSchema.optional() }),
});

export const tenantsFileSchema = z.strictObject({ tenants: z.array(tenantSchema) });
export type TenantsFile = z.infer<typeof tenantsFileSchema>;

export const DEFAULT_REQUESTS_PER_MINUTE = 1000;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

export interface ConnectWiseCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

/** What the pipeline knows about a tenant's ConnectWise service, secrets excluded. */
export interface ConnectWiseServiceConfig {
  baseUrl: string;
  tables: ConnectWiseTable[];
  requestsPerMinute: number;
  maxConcurrentRequests: number;
  backfillFrom: string | null;
}

export interface TenantConfig {
  id: string;
  name: string;
  enabled: boolean;
  services: { connectwise?: ConnectWiseServiceConfig };
}

export interface LoadedTenants {
  tenants: TenantConfig[];
  credentials: Map<string, ConnectWiseCredentials>;
}

/**
 * Validates a tenants document and resolves `{ env }` credentials, reporting every problem at once
 * (with the tenant and field it concerns) before anything runs.
 */
export function parseTenantsFile(
  document: unknown,
  env: Record<string, string | undefined>,
  source = 'tenants file',
): LoadedTenants {
  const parsed = tenantsFileSchema.safeParse(document);
  if (!parsed.success) {
    throw new ValidationError(
      `Invalid ${source}`,
      parsed.error.issues.map((issue) => `${describePath(document, issue.path)}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const tenants: TenantConfig[] = [];
  const credentials = new Map<string, ConnectWiseCredentials>();
  for (const tenant of parsed.data.tenants) {
    if (seen.has(tenant.id)) problems.push(`tenant "${tenant.id}": the id is used more than once`);
    seen.add(tenant.id);
    const cw = tenant.services.connectwise;
    if (!cw) problems.push(`tenant "${tenant.id}": services has no source (expected "connectwise")`);
    const config: TenantConfig = {
      id: tenant.id,
      name: tenant.name ?? tenant.id,
      enabled: tenant.enabled ?? true,
      services: {},
    };
    if (cw) {
      const resolve = (field: keyof ConnectWiseCredentials): string => {
        const value = cw[field];
        if (typeof value === 'string') return value;
        const fromEnv = env[value.env];
        if (fromEnv === undefined || fromEnv === '') {
          problems.push(
            `tenant "${tenant.id}": services.connectwise.${field} names environment variable ${value.env}, which is not set`,
          );
          return '';
        }
        return fromEnv;
      };
      credentials.set(tenant.id, {
        companyId: resolve('companyId'),
        publicKey: resolve('publicKey'),
        privateKey: resolve('privateKey'),
        clientId: resolve('clientId'),
      });
      config.services.connectwise = connectWiseServiceWithDefaults(cw);
    }
    tenants.push(config);
  }
  if (problems.length > 0) throw new ValidationError(`Invalid ${source}`, problems);
  return { tenants, credentials };
}

/** The one place the service defaults live, for the tenants file and the DynamoDB registry alike. */
export function connectWiseServiceWithDefaults(service: {
  baseUrl: string;
  tables?: ConnectWiseTable[] | undefined;
  requestsPerMinute?: number | undefined;
  maxConcurrentRequests?: number | undefined;
  backfillFrom?: string | null | undefined;
}): ConnectWiseServiceConfig {
  return {
    baseUrl: service.baseUrl.replace(/\/+$/, ''),
    tables: service.tables ?? [...CONNECTWISE_TABLES],
    requestsPerMinute: service.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    maxConcurrentRequests: service.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    backfillFrom: service.backfillFrom ?? null,
  };
}

export function loadTenantsFile(path: string, env: Record<string, string | undefined>): LoadedTenants {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`Cannot read tenants file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Tenants file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseTenantsFile(document, env, `tenants file ${path}`);
}

/** Names the tenant by id (not array index) where possible, so errors say which tenant is wrong. */
function describePath(document: unknown, path: PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  if (path[0] === 'tenants' && typeof path[1] === 'number') {
    const tenants = (document as { tenants?: unknown[] }).tenants;
    const candidate = tenants?.[path[1]] as { id?: unknown } | undefined;
    const label = typeof candidate?.id === 'string' ? `tenant "${candidate.id}"` : `tenants[${path[1]}]`;
    const rest = path.slice(2).map(String).join('.');
    return rest ? `${label}: ${rest}` : label;
  }
  return path.map(String).join('.');
}
