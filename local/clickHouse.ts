import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import type { LakeLocation } from '../services/analytics-loader/loadTable';
import { ValidationError } from '../shared/errors';

/** A ClickHouse the local pipeline loads compacted histories into (LocalPipelineOptions.clickHouse). */
export interface LocalClickHouse {
  client: ClickHouseClient;
  /** Where that ClickHouse reads the lake; default: the lake directory itself, through file(). */
  lake?: LakeLocation;
  database?: string;
}

const environmentSchema = z.object({
  AVESA_CLICKHOUSE_URL: z.url().optional(),
  AVESA_CLICKHOUSE_USER: z.string().min(1).default('default'),
  AVESA_CLICKHOUSE_PASSWORD: z.string().default(''),
  AVESA_CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be an identifier')
    .default('avesa'),
  /**
   * The lake as that ClickHouse reaches it over S3 (`http://host:port/bucket/`); without it, ClickHouse reads
   * the lake directory with file(), which a server allows only under its user_files_path.
   */
  AVESA_CLICKHOUSE_LAKE_URL: z.url().optional(),
});

/**
 * The local ClickHouse from the environment: none unless AVESA_CLICKHOUSE_URL is set, so by default the local
 * runtime has no analytics loader (and routes nothing to it).
 */
export function localClickHouse(env: Record<string, string | undefined>): LocalClickHouse | undefined {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success)
    throw new ValidationError(
      'Invalid ClickHouse settings',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  const values = parsed.data;
  if (!values.AVESA_CLICKHOUSE_URL) return undefined;
  return {
    client: createClient({
      url: values.AVESA_CLICKHOUSE_URL,
      username: values.AVESA_CLICKHOUSE_USER,
      password: values.AVESA_CLICKHOUSE_PASSWORD,
    }),
    ...(values.AVESA_CLICKHOUSE_LAKE_URL
      ? { lake: { kind: 's3', url: values.AVESA_CLICKHOUSE_LAKE_URL } as const }
      : {}),
    database: values.AVESA_CLICKHOUSE_DATABASE,
  };
}
