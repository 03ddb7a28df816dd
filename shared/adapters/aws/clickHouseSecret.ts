import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ValidationError } from '../../errors';

/**
 * The stage's ClickHouse secret (`avesa/<stage>/clickhouse`): the loader's password, and optionally the keys
 * ClickHouse reads the lake with when no named collection holds them.
 */
export interface ClickHouseSecret {
  password: string;
  lakeAccessKeyId?: string;
  lakeSecretAccessKey?: string;
}

const secretSchema = z
  .object({
    password: z.string().min(1),
    lakeAccessKeyId: z.string().min(1).optional(),
    lakeSecretAccessKey: z.string().min(1).optional(),
  })
  .refine((secret) => (secret.lakeAccessKeyId === undefined) === (secret.lakeSecretAccessKey === undefined), {
    message: 'lakeAccessKeyId and lakeSecretAccessKey go together',
  });

/**
 * Reads and validates the ClickHouse secret. Errors name the secret and the fields wrong or missing, never a
 * value (a JSON syntax error would quote the text, so it is dropped).
 */
export async function readClickHouseSecret(options: {
  secretId: string;
  client?: SecretsManagerClient;
}): Promise<ClickHouseSecret> {
  const client = options.client ?? new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
  let document: unknown;
  try {
    document = JSON.parse(SecretString ?? '');
  } catch {
    throw new ValidationError(`ClickHouse secret ${options.secretId} is not a JSON object`);
  }
  const parsed = secretSchema.safeParse(document);
  if (!parsed.success)
    throw new ValidationError(
      `ClickHouse secret ${options.secretId} must be {"password": "…"} (with lakeAccessKeyId and lakeSecretAccessKey, optionally)`,
      [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(document)'))],
    );
  return parsed.data;
}
