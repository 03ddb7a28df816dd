import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { assertStage } from '../../shared/adapters/aws/awsTenantAdmin';
import { assertTenantId } from '../../shared/config/tenantId';
import { errorMessage, ValidationError } from '../../shared/errors';
import type { BackfillRequest } from '../../services/discovery/discoverTenants';
import type { CliIo } from './main';

export const TRIGGER_USAGE = 'usage: avesa trigger --stage S [--tenant ID ...] [--sweep-deletes] [--json]';

export interface TriggerDeps {
  /** Default: a client configured from the environment (region, credentials). */
  lambdaClient?: LambdaClient;
}

/** What services/discovery/handler.ts returns. */
const discoveryResultSchema = z.object({
  jobId: z.string(),
  jobStartedAt: z.string(),
  tenants: z.array(z.string()),
});

/** The body Lambda returns for an unhandled error. https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html */
const functionErrorSchema = z.object({
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
});

/**
 * `avesa trigger --stage S [--tenant ID ...]`: starts a sync job now by invoking the stage's discovery function
 * synchronously with `{ tenantIds }` (all enabled tenants without --tenant), the same function the schedule
 * starts. Exit 0: a job started; 1: the function failed or started no tenant; 2: usage.
 */
export async function trigger(
  argv: string[],
  io: CliIo,
  deps: TriggerDeps = {},
  /** `avesa backfill --stage S`: the job re-fetches this range of the one tenant. */
  job: { backfill?: BackfillRequest } = {},
): Promise<number> {
  let options: { stage?: string; tenant?: string[]; json: boolean; 'sweep-deletes': boolean };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(TRIGGER_USAGE);
    return 0;
  }
  try {
    options = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stage: { type: 'string' },
        tenant: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        'sweep-deletes': { type: 'boolean', default: false },
      },
    }).values;
    if (options.stage === undefined) throw new ValidationError('avesa trigger needs --stage');
    assertStage(options.stage);
    for (const tenantId of options.tenant ?? []) assertTenantId(tenantId);
  } catch (error) {
    io.err(`error: ${errorMessage(error)}\n${TRIGGER_USAGE}`);
    return 2;
  }
  const stage = options.stage;
  const functionName = `avesa-${stage}-discovery`;
  const requested = options.tenant ? [...new Set(options.tenant)] : undefined;
  const payload = {
    ...(requested ? { tenantIds: requested } : {}),
    ...(options['sweep-deletes'] ? { sweepDeletes: true } : {}),
    ...(job.backfill ? { backfill: job.backfill } : {}),
  };

  let response;
  try {
    const client = deps.lambdaClient ?? new LambdaClient({});
    response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    const hint =
      name === 'ResourceNotFoundException'
        ? ` (is stage ${stage} deployed in this account and region? \`npx sls deploy --stage ${stage}\`)`
        : '';
    io.err(`error: cannot invoke ${functionName}: ${String(name ?? 'Error')}: ${errorMessage(error)}${hint}`);
    return 1;
  }

  const body = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    const failure = parseJson(body, functionErrorSchema);
    io.err(
      `error: ${functionName} failed (${failure?.errorType ?? response.FunctionError}): ` +
        `${failure?.errorMessage ?? (body || 'no error message')}\n` +
        `its log: CloudWatch log group /aws/lambda/${functionName}, request ${response.$metadata.requestId ?? '?'}`,
    );
    return 1;
  }
  const result = parseJson(body, discoveryResultSchema);
  if (!result) {
    io.err(`error: ${functionName} returned an unexpected response: ${body.slice(0, 500)}`);
    return 1;
  }
  // Discovery silently skips a requested tenant that is disabled or has no source configured.
  const skipped = (requested ?? []).filter((tenantId) => !result.tenants.includes(tenantId));
  if (options.json) {
    io.out(JSON.stringify({ stage, ...result, skipped }, null, 2));
  } else {
    io.out(
      `job ${result.jobId} started at ${result.jobStartedAt} in stage ${stage} for ${result.tenants.length} ` +
        `tenant(s): ${result.tenants.join(', ') || '(none)'}`,
    );
    if (result.tenants.length > 0)
      io.out(
        `follow it on the CloudWatch dashboard avesa-${stage}-pipeline; dead letters: avesa dlq list --stage ${stage}`,
      );
  }
  if (skipped.length > 0)
    io.err(
      `warning: not started (disabled, or no source configured): ${skipped.join(', ')}; ` +
        `see avesa tenants list --stage ${stage}`,
    );
  if (result.tenants.length === 0) {
    io.err(`error: the job has no tenants: nothing is enabled${requested ? ' among those requested' : ''}`);
    return 1;
  }
  return 0;
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
