import { z } from 'zod';
import {
  baseUrlSchema,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  sourceSettingsSchema,
  type CredentialField,
} from '../../shared/sources/connector';
import { salesforceTableMapSchema } from './tables';

/** The REST API version data calls use unless the tenant names another (DESIGN §10). */
export const DEFAULT_SALESFORCE_API_VERSION = '62.0';

/** Share of the org's daily API allocation the sync may use; the rest stays for the tenant's own users. */
export const DEFAULT_DAILY_QUOTA_SHARE = 0.8;

/**
 * Salesforce allows 25 concurrent long-running (≥ 20 s) requests per production org (5 on Developer and trial
 * orgs) before it answers REQUEST_LIMIT_EXCEEDED (reference §B.5); a tenant's sync never holds more.
 */
export const MAX_SALESFORCE_CONCURRENT_REQUESTS = 25;

/** A tenant's Salesforce settings, secrets excluded (tenants file, AWS registry item, `avesa tenants add`). */
export const salesforceSettingsSchema = sourceSettingsSchema({
  loginUrl: baseUrlSchema.describe(
    "the org's My Domain (e.g. https://acme.my.salesforce.com): the OAuth token endpoint is {loginUrl}/services/oauth2/token; data calls go to the instance_url it returns",
  ),
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'a REST API version such as 62.0')
    .default(DEFAULT_SALESFORCE_API_VERSION),
  tableMap: salesforceTableMapSchema.optional(),
  dailyQuotaShare: z
    .number()
    .gt(0)
    .max(1)
    .default(DEFAULT_DAILY_QUOTA_SHARE)
    .describe(
      "the share of the org's daily API requests the sync may use; past it the tenant's Salesforce lane pauses until the next job",
    ),
}).extend({
  maxConcurrentRequests: z
    .number()
    .int()
    .positive()
    .max(MAX_SALESFORCE_CONCURRENT_REQUESTS)
    .default(DEFAULT_MAX_CONCURRENT_REQUESTS),
});
export type SalesforceSettings = z.output<typeof salesforceSettingsSchema>;

/** OAuth 2.0 client credentials of a connected app (reference §B.4). */
export const salesforceCredentialsSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type SalesforceCredentials = z.output<typeof salesforceCredentialsSchema>;

export const SALESFORCE_CREDENTIAL_FIELDS: readonly CredentialField[] = [
  {
    name: 'clientId',
    secret: false,
    flag: 'client-id',
    envVariable: 'SALESFORCE_CLIENT_ID',
    description: "the connected app's consumer key (client credentials flow)",
  },
  {
    name: 'clientSecret',
    secret: true,
    envVariable: 'SALESFORCE_CLIENT_SECRET',
    description: "the connected app's consumer secret",
  },
];
