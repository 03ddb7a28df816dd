import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SOURCE_NAMES, findSource } from '../../sources/registry';
import { ValidationError } from '../errors';
import type { SourceConnector, SourceSettings } from '../sources/connector';
import { TENANT_ID_PATTERN } from './tenantId';

/** A credential is written inline or read from an environment variable, so files can be committed without secrets. */
const credentialSchema = z.union([z.string().min(1), z.strictObject({ env: z.string().min(1) })]);

const tenantSchema = z.strictObject({
  id: z
    .string()
    .regex(TENANT_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits, dashes)'),
  name: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  /** Source name → its settings and credentials; each source's part is checked by its connector's schemas. */
  services: z.record(z.string(), z.unknown()),
});

export const tenantsFileSchema = z.strictObject({ tenants: z.array(tenantSchema) });
export type TenantsFile = z.infer<typeof tenantsFileSchema>;

/** What the pipeline knows about one source of a tenant, secrets excluded, every default filled in. */
export type SourceConfig = SourceSettings & Record<string, unknown>;

export interface TenantConfig {
  id: string;
  name: string;
  enabled: boolean;
  /** Source name → settings (the tenants file keeps DESIGN §9's `services` key). */
  services: Record<string, SourceConfig>;
}

/** A source's resolved credentials (field → value). */
export type SourceCredentials = Record<string, string>;

export interface LoadedTenants {
  tenants: TenantConfig[];
  /** Keyed by `credentialsKey(tenantId, source)`. */
  credentials: Map<string, SourceCredentials>;
}

export function credentialsKey(tenantId: string, source: string): string {
  return `${tenantId}/${source}`;
}

/**
 * A source's part of a tenants file: its settings schema with the credential fields beside them, each a
 * string or `{ "env": "VAR" }`. Built from the connector's schemas, so the file, the registry and the
 * secret share one definition per source.
 */
export function sourceFileSchema(connector: SourceConnector) {
  return connector.settingsSchema.extend(
    Object.fromEntries(
      connector.credentialFields.map((field) => [
        field.name,
        field.optional ? credentialSchema.optional() : credentialSchema,
      ]),
    ),
  );
}

/** Splits a parsed source part into settings and credential fields. */
export function splitSourcePart(
  connector: SourceConnector,
  part: Record<string, unknown>,
): { settings: Record<string, unknown>; credentials: Record<string, unknown> } {
  const names = new Set(connector.credentialFields.map((field) => field.name));
  const settings: Record<string, unknown> = {};
  const credentials: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(part)) (names.has(key) ? credentials : settings)[key] = value;
  return { settings, credentials };
}

/**
 * Validates a tenants document and resolves `{ env }` credentials, reporting every problem at once
 * (with the tenant, source and field it concerns) before anything runs.
 */
export function parseTenantsFile(
  document: unknown,
  env: Record<string, string | undefined>,
  source = 'tenants file',
): LoadedTenants {
  // The document's shape first; then every tenant on its own, so one wrong tenant does not hide another's
  // problems, and each source's part is checked by its connector whatever else is wrong with the tenant.
  const shape = z.strictObject({ tenants: z.array(z.unknown()) }).safeParse(document);
  if (!shape.success) {
    throw new ValidationError(
      `Invalid ${source}`,
      shape.error.issues.map((issue) => `${describePath(document, issue.path)}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const tenants: TenantConfig[] = [];
  const credentials = new Map<string, SourceCredentials>();
  shape.data.tenants.forEach((candidate, index) => {
    const parsed = tenantSchema.safeParse(candidate);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map(
          (issue) => `${describePath(document, ['tenants', index, ...issue.path])}: ${issue.message}`,
        ),
      );
    }
    const id =
      typeof (candidate as { id?: unknown })?.id === 'string' ? (candidate as { id: string }).id : '';
    const label = describePath(document, ['tenants', index]);
    if (parsed.success) {
      if (seen.has(id)) problems.push(`${label}: the id is used more than once`);
      seen.add(id);
    }
    const services = (candidate as { services?: unknown } | null)?.services;
    if (services === null || typeof services !== 'object' || Array.isArray(services)) return;
    const config: TenantConfig = {
      id,
      name: parsed.success ? (parsed.data.name ?? id) : id,
      enabled: parsed.success ? (parsed.data.enabled ?? true) : true,
      services: {},
    };
    const names = Object.keys(services);
    if (names.length === 0)
      problems.push(`${label}: services has no source (expected one of ${SOURCE_NAMES.join(', ')})`);
    for (const name of names) {
      const connector = findSource(name);
      if (!connector) {
        problems.push(
          `${label}: services.${name}: unknown source (the sources are ${SOURCE_NAMES.join(', ')})`,
        );
        continue;
      }
      const part = (services as Record<string, unknown>)[name];
      const loaded = loadSourcePart(connector, part, env, `${label}: services.${name}`);
      problems.push(...loaded.problems);
      if (loaded.problems.length === 0) {
        config.services[name] = loaded.settings;
        credentials.set(credentialsKey(id, name), loaded.credentials);
      }
    }
    tenants.push(config);
  });
  if (problems.length > 0) throw new ValidationError(`Invalid ${source}`, problems);
  return { tenants, credentials };
}

/** Validates one source's part of a tenant and resolves its credentials; `where` prefixes every problem. */
export function loadSourcePart(
  connector: SourceConnector,
  part: unknown,
  env: Record<string, string | undefined>,
  where: string,
): { settings: SourceConfig; credentials: SourceCredentials; problems: string[] } {
  const parsed = sourceFileSchema(connector).safeParse(part);
  if (!parsed.success) {
    return {
      settings: {} as SourceConfig,
      credentials: {},
      problems: parsed.error.issues.map(
        (issue) => `${where}${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`,
      ),
    };
  }
  const problems: string[] = [];
  const { settings, credentials: given } = splitSourcePart(connector, parsed.data);
  const resolved: SourceCredentials = {};
  for (const [field, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      resolved[field] = value;
      continue;
    }
    const variable = (value as { env: string }).env;
    const fromEnv = env[variable];
    if (fromEnv === undefined || fromEnv === '') {
      problems.push(`${where}.${field} names environment variable ${variable}, which is not set`);
    } else resolved[field] = fromEnv;
  }
  if (problems.length === 0) {
    const checked = connector.credentialsSchema.safeParse(resolved);
    if (!checked.success)
      problems.push(...checked.error.issues.map((issue) => `${where}: ${credentialIssue(issue)}`));
  }
  return { settings: settings as SourceConfig, credentials: resolved, problems };
}

function credentialIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
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
