import { z } from 'zod';
import { CANONICAL_TABLE_NAMES } from '../../mappings/canonical';
import { baseUrlSchema, sourceSettingsSchema, type CredentialField } from '../../shared/sources/connector';
import { mappingProblem, SERVICENOW_TABLE_NAME_PATTERN } from './tables';

const tableNameSchema = z
  .string()
  .regex(SERVICENOW_TABLE_NAME_PATTERN, 'a ServiceNow table name: lower-case letters, digits and _');

/**
 * Canonical table → ServiceNow table, overriding the defaults (e.g. `{"tickets": "sn_customerservice_case"}`).
 * Each table named must have a mapping onto that canonical table, so a typo fails the tenants file, not a sync.
 */
const tableMapSchema = z
  .partialRecord(z.enum(CANONICAL_TABLE_NAMES), tableNameSchema)
  .superRefine((map, ctx) => {
    for (const [table, sourceTable] of Object.entries(map)) {
      if (!SERVICENOW_TABLE_NAME_PATTERN.test(sourceTable)) continue; // reported by the name's own check
      const problem = mappingProblem(table as keyof typeof map, sourceTable);
      if (problem) ctx.addIssue({ code: 'custom', path: [table], message: problem });
    }
  });

/** A tenant's ServiceNow settings, secrets excluded (tenants file, AWS registry item, `avesa tenants add`). */
export const serviceNowSettingsSchema = sourceSettingsSchema({
  instanceUrl: baseUrlSchema.describe('e.g. https://acme.service-now.com'),
  tableMap: tableMapSchema.optional(),
});
export type ServiceNowSettings = z.output<typeof serviceNowSettingsSchema>;

/** Basic auth (an integration user) or OAuth client credentials (an inbound OAuth application), reference §A.2. */
export type ServiceNowCredentials =
  { username: string; password: string } | { clientId: string; clientSecret: string };

const PAIRS = [
  ['username', 'password', 'Basic auth'],
  ['clientId', 'clientSecret', 'OAuth client credentials'],
] as const;

/**
 * Exactly one complete pair. A half pair is reported at the missing field (callers that print only
 * paths still say what to add); neither or both pairs at the document.
 */
export const serviceNowCredentialsSchema = z
  .strictObject({
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
  })
  .superRefine((given, ctx) => {
    const complete = PAIRS.filter(([first, second]) => given[first] && given[second]);
    for (const [first, second, name] of PAIRS) {
      if (Boolean(given[first]) === Boolean(given[second])) continue;
      const [present, missing] = given[first] ? [first, second] : [second, first];
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `${missing} is needed with ${present} (${name})`,
      });
    }
    if (complete.length === 2)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'give either username and password (Basic auth) or clientId and clientSecret (OAuth client credentials), not both',
      });
    else if (complete.length === 0 && !PAIRS.some(([first, second]) => given[first] || given[second]))
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'ServiceNow needs username and password (Basic auth) or clientId and clientSecret (OAuth client credentials)',
      });
  })
  .transform((given): ServiceNowCredentials =>
    given.username !== undefined
      ? { username: given.username, password: given.password! }
      : { clientId: given.clientId!, clientSecret: given.clientSecret! },
  );

/** Either pair may be given, so every field is optional here; the credentials schema says which pairs work. */
export const SERVICENOW_CREDENTIAL_FIELDS: readonly CredentialField[] = [
  {
    name: 'username',
    optional: true,
    secret: false,
    flag: 'username',
    envVariable: 'SERVICENOW_USERNAME',
    description: 'the integration user (Basic auth)',
  },
  {
    name: 'password',
    optional: true,
    secret: true,
    envVariable: 'SERVICENOW_PASSWORD',
    description: "the integration user's password (Basic auth)",
  },
  {
    name: 'clientId',
    optional: true,
    secret: false,
    flag: 'client-id',
    envVariable: 'SERVICENOW_CLIENT_ID',
    description: 'the OAuth application client id (client credentials grant)',
  },
  {
    name: 'clientSecret',
    optional: true,
    secret: true,
    envVariable: 'SERVICENOW_CLIENT_SECRET',
    description: 'the OAuth application client secret (client credentials grant)',
  },
];
