import { z } from 'zod';
import { ValidationError } from '../errors';
import { MIN_JOB_STATE_RETENTION_DAYS } from '../state/retention';

const environmentSchema = z.object({
  AVESA_STAGE: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  STATE_TABLE: z.string().min(1),
  TENANTS_TABLE: z.string().min(1),
  LAKE_BUCKET: z.string().min(1),
  SECRETS_PREFIX: z.string().min(1),
  FETCHER_QUEUE_URL: z.string().url().optional(),
  /** Days a job's plans and progress stay in the state table (serverless.yml params; see state/retention.ts). */
  JOB_STATE_RETENTION_DAYS: z.coerce.number().int().min(MIN_JOB_STATE_RETENTION_DAYS).default(30),
});

export type LambdaEnvironment = z.infer<typeof environmentSchema>;

let cached: LambdaEnvironment | undefined;

/** The functions' configuration, read from the environment once per cold start and validated. */
export function lambdaEnvironment(): LambdaEnvironment {
  return (cached ??= parseLambdaEnvironment(process.env));
}

export function parseLambdaEnvironment(env: Record<string, string | undefined>): LambdaEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid Lambda environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}
