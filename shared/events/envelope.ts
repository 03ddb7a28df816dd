import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../config/tenantId';

export const ENVELOPE_VERSION = 1;

export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN, 'tenant id must be a slug');
export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,80}$/, 'job id must be alphanumeric with dashes');

/** The one envelope every event travels in (DESIGN §3). `data` is typed per event type. */
export function envelopeSchema<Type extends string, Data extends z.ZodType>(type: Type, data: Data) {
  return z.strictObject({
    eventId: z.string().min(1),
    type: z.literal(type),
    version: z.literal(ENVELOPE_VERSION),
    occurredAt: z.iso.datetime(),
    tenantId: tenantIdSchema,
    jobId: jobIdSchema,
    data,
  });
}

/**
 * Event ids are derived from what the event is about (job, tenant, kind, chunk, part), never random,
 * so a retried publisher produces the same id and every consumer can deduplicate on it (DESIGN §3).
 */
export function deterministicEventId(
  type: string,
  jobId: string,
  tenantId: string,
  ...parts: Array<string | number>
): string {
  const digest = createHash('sha256')
    .update([type, jobId, tenantId, ...parts.map(String)].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return `${type}-${digest}`;
}
