import { z } from 'zod';
import { ValidationError } from '../errors';

const environmentSchema = z.object({
  AVESA_STAGE: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  STATE_TABLE: z.string().min(1),
  TENANTS_TABLE: z.string().min(1),
  LAKE_BUCKET: z.string().min(1),
  SECRETS_PREFIX: z.string().min(1),
  FETCHER_QUEUE_URL: z.string().url().optional(),
});

export type LambdaEnvironment = z.infer<typeof environmentSchema>;

let cached: LambdaEnvironment | undefined;

/** The functions' configuration, read from the environment once per cold start and validated. */
export function lambdaEnvironment(env: Record<string, string | undefined> = process.env): LambdaEnvironment {
  if (cached) return cached;
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid Lambda environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return (cached = parsed.data);
}
