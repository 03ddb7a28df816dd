import { z } from 'zod';
import { ValidationError } from '../errors';

const environmentSchema = z.object({
  /** The ClickHouse HTTP(S) endpoint, `https://host:8443`; empty: this stage has no ClickHouse (the loader idles). */
  CLICKHOUSE_URL: z.union([z.literal(''), z.url()]).default(''),
  CLICKHOUSE_USER: z.string().min(1).default('avesa_loader'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be an identifier')
    .default('avesa'),
  /** The Secrets Manager secret holding the password (`avesa/<stage>/clickhouse`). */
  CLICKHOUSE_SECRET_ID: z.string().min(1),
  /**
   * A ClickHouse named collection whose url is the lake bucket's (with the credentials ClickHouse reads it
   * with); empty: ClickHouse gets the lake's URL, and keys when the secret has them.
   */
  CLICKHOUSE_LAKE_COLLECTION: z
    .union([z.literal(''), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier')])
    .default(''),
  LAKE_BUCKET: z.string().min(1),
  /** Set by the Lambda runtime. */
  AWS_REGION: z.string().min(1).default('us-east-1'),
});

export interface ClickHouseEnvironment {
  /** Undefined when the stage has no ClickHouse. */
  url: string | undefined;
  username: string;
  database: string;
  secretId: string;
  /** The lake bucket's virtual-hosted-style URL, as ClickHouse's s3() takes it. */
  lakeUrl: string;
  lakeCollection: string | undefined;
}

let cached: ClickHouseEnvironment | undefined;

/** The analytics loader's ClickHouse settings, read from the environment once per cold start and validated. */
export function clickHouseEnvironment(): ClickHouseEnvironment {
  return (cached ??= parseClickHouseEnvironment(process.env));
}

export function parseClickHouseEnvironment(env: Record<string, string | undefined>): ClickHouseEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid ClickHouse environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  return {
    url: values.CLICKHOUSE_URL || undefined,
    username: values.CLICKHOUSE_USER,
    database: values.CLICKHOUSE_DATABASE,
    secretId: values.CLICKHOUSE_SECRET_ID,
    lakeUrl: `https://${values.LAKE_BUCKET}.s3.${values.AWS_REGION}.amazonaws.com/`,
    lakeCollection: values.CLICKHOUSE_LAKE_COLLECTION || undefined,
  };
}
