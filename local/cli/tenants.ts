import { parseArgs } from 'node:util';
import { AwsTenantAdmin, stageTenantStorage } from '../../shared/adapters/aws/awsTenantAdmin';
import { assertTenantId } from '../../shared/config/tenantId';
import { parseTenantsFile, type ConnectWiseCredentials } from '../../shared/config/tenantsFile';
import { errorMessage, InvalidTenantIdError, ValidationError } from '../../shared/errors';
import type { TenantAdmin, TenantListing } from '../../shared/ports';
import type { CliIo } from './main';

export const TENANTS_USAGE = `usage:
  avesa tenants add --stage S --tenant ID --company C --base-url URL [--client-id ID] [--name NAME]
                    [--tables T,T] [--requests-per-minute N] [--max-concurrent-requests N]
                    [--backfill-from ISO] [--disabled] [--credentials-stdin] [--json]
      keys: CONNECTWISE_PUBLIC_KEY and CONNECTWISE_PRIVATE_KEY in the environment, or with
      --credentials-stdin a JSON object {"publicKey": "...", "privateKey": "..."} on stdin
  avesa tenants list --stage S [--json]
  avesa tenants disable|enable --stage S --tenant ID`;

/** The environment variables `tenants add` reads credentials from (the seeds' setup-service names). */
export const CREDENTIAL_ENV = {
  publicKey: 'CONNECTWISE_PUBLIC_KEY',
  privateKey: 'CONNECTWISE_PRIVATE_KEY',
  clientId: 'CONNECTWISE_CLIENT_ID',
} as const;

export interface TenantsDeps {
  /** The admin of a deployed stage; default: DynamoDB and Secrets Manager clients from the environment. */
  adminFor?: (stage: string) => TenantAdmin;
  /** All of stdin, for --credentials-stdin; default: process.stdin, refused when it is a terminal. */
  readStdin?: () => Promise<string>;
}

/** Flags whose value would be a key: refused by name, so the message never repeats the value. */
const KEY_FLAGS = ['--public-key', '--private-key', '--publickey', '--privatekey'];

/** Maps a tenants-file field to the flag that sets it, so errors name what the operator typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  id: '--tenant',
  name: '--name',
  'services.connectwise.baseUrl': '--base-url',
  'services.connectwise.companyId': '--company',
  'services.connectwise.clientId': `--client-id (or ${CREDENTIAL_ENV.clientId})`,
  'services.connectwise.publicKey': CREDENTIAL_ENV.publicKey,
  'services.connectwise.privateKey': CREDENTIAL_ENV.privateKey,
  'services.connectwise.tables': '--tables',
  'services.connectwise.requestsPerMinute': '--requests-per-minute',
  'services.connectwise.maxConcurrentRequests': '--max-concurrent-requests',
  'services.connectwise.backfillFrom': '--backfill-from',
};

/**
 * `avesa tenants add|list|disable|enable --stage S`: registers a deployed stage's tenants, settings in
 * DynamoDB and credentials in Secrets Manager, where discovery and the fetcher read them. Keys are never
 * taken from argv (shell history, `ps`) and never printed. Exit 2: usage or invalid input; 1: AWS failure
 * or unknown tenant.
 */
export async function tenants(argv: string[], io: CliIo, deps: TenantsDeps = {}): Promise<number> {
  const [subcommand, ...rest] = argv;
  let credentialValues: string[] = [];
  try {
    const keyFlag = rest.find((arg) => KEY_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
    if (keyFlag !== undefined)
      throw new ValidationError(
        `${keyFlag.split('=')[0]} is not accepted: keys on the command line end up in shell history and process ` +
          `listings. Set ${CREDENTIAL_ENV.publicKey} and ${CREDENTIAL_ENV.privateKey}, or pipe them with --credentials-stdin`,
      );
    if (subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
      io.out(TENANTS_USAGE);
      return 0;
    }
    const options = parseTenantArgs(rest);
    if (
      subcommand !== 'add' &&
      subcommand !== 'list' &&
      subcommand !== 'disable' &&
      subcommand !== 'enable'
    ) {
      io.err(`error: unknown tenants command ${JSON.stringify(subcommand ?? '')}\n${TENANTS_USAGE}`);
      return 2;
    }
    if (options.stage === undefined) throw new ValidationError(`avesa tenants ${subcommand} needs --stage`);
    const stage = options.stage;
    const storage = stageTenantStorage(stage);
    // Built only once the input is valid: constructing the SDK clients is the slow part of a usage error.
    const adminOf = () => (deps.adminFor ?? ((name: string) => AwsTenantAdmin.forStage(name)))(stage);
    switch (subcommand) {
      case 'list':
        return await list(adminOf(), stage, options, io);
      case 'disable':
      case 'enable':
        return await setEnabled(adminOf, stage, subcommand === 'enable', options, io);
      case 'add': {
        const credentials = await readCredentials(options, io, deps);
        credentialValues = [credentials.publicKey, credentials.privateKey].filter(
          (value) => value.length > 0,
        );
        const { tenant, companyId } = validatedTenant(options, credentials);
        const { created } = await adminOf().putTenant(tenant, { ...credentials, companyId });
        const secretName = `${storage.secretsPrefix}/${tenant.id}/connectwise`;
        if (options.json) {
          io.out(
            JSON.stringify(
              {
                stage,
                tenantId: tenant.id,
                created,
                enabled: tenant.enabled,
                table: storage.tableName,
                secret: secretName,
              },
              null,
              2,
            ),
          );
        } else {
          io.out(
            `tenant ${tenant.id} ${created ? 'added to' : 'updated in'} stage ${stage} ` +
              `(${tenant.enabled ? 'enabled' : 'disabled'}): settings in DynamoDB table ${storage.tableName}, ` +
              `credentials in secret ${secretName}`,
          );
          if (tenant.enabled)
            io.out(
              `sync it now: avesa trigger --stage ${stage} --tenant ${tenant.id} (or wait for the schedule)`,
            );
        }
        return 0;
      }
    }
  } catch (error) {
    return reportError(error, { stage: argValue(rest, '--stage'), credentialValues, io });
  }
}

interface TenantArgs {
  stage?: string;
  tenant?: string;
  company?: string;
  name?: string;
  'base-url'?: string;
  'client-id'?: string;
  tables?: string[];
  'requests-per-minute'?: string;
  'max-concurrent-requests'?: string;
  'backfill-from'?: string;
  disabled: boolean;
  'credentials-stdin': boolean;
  json: boolean;
}

function parseTenantArgs(args: string[]): TenantArgs {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        stage: { type: 'string' },
        tenant: { type: 'string' },
        company: { type: 'string' },
        name: { type: 'string' },
        'base-url': { type: 'string' },
        'client-id': { type: 'string' },
        tables: { type: 'string', multiple: true },
        'requests-per-minute': { type: 'string' },
        'max-concurrent-requests': { type: 'string' },
        'backfill-from': { type: 'string' },
        disabled: { type: 'boolean', default: false },
        'credentials-stdin': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    // Node's message for a stray positional quotes it, and a stray positional may well be a pasted key.
    const code = (error as { code?: unknown }).code;
    throw new ValidationError(
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected argument: avesa tenants takes only --options (keys come from the environment or stdin)'
        : `${errorMessage(error)}\n${TENANTS_USAGE}`,
    );
  }
}

/** The public and private key from the environment or stdin; the client id from --client-id or the environment. */
async function readCredentials(
  options: TenantArgs,
  io: CliIo,
  deps: TenantsDeps,
): Promise<Omit<ConnectWiseCredentials, 'companyId'>> {
  let publicKey = io.env[CREDENTIAL_ENV.publicKey] ?? '';
  let privateKey = io.env[CREDENTIAL_ENV.privateKey] ?? '';
  let clientId = options['client-id'] ?? io.env[CREDENTIAL_ENV.clientId] ?? '';
  if (options['credentials-stdin']) {
    const text = await (deps.readStdin ?? readProcessStdin)();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      // JSON.parse quotes the text around the error: the keys. Say only what is expected.
      throw new ValidationError(
        `--credentials-stdin: stdin is not a JSON object like {"publicKey": "...", "privateKey": "..."}`,
      );
    }
    const fields = (document ?? {}) as Record<string, unknown>;
    const stringField = (value: unknown) => (typeof value === 'string' ? value : '');
    publicKey = stringField(fields.publicKey);
    privateKey = stringField(fields.privateKey);
    if (typeof fields.clientId === 'string' && options['client-id'] === undefined) clientId = fields.clientId;
  }
  return { publicKey, privateKey, clientId };
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new ValidationError(
      '--credentials-stdin reads a pipe or a file (`< keys.json`), not a terminal, where the keys would echo; ' +
        `interactively, use \`read -s ${CREDENTIAL_ENV.privateKey}\` and export the variables instead`,
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Validates the flags through the tenants-file schema, the one validation every tenant passes, so the stage
 * accepts exactly the tenants a tenants file would.
 */
function validatedTenant(options: TenantArgs, credentials: Omit<ConnectWiseCredentials, 'companyId'>) {
  const missing = (['tenant', 'company', 'base-url'] as const).filter((flag) => options[flag] === undefined);
  if (missing.length > 0)
    throw new ValidationError(
      `avesa tenants add needs ${missing.map((flag) => `--${flag}`).join(', ')}\n${TENANTS_USAGE}`,
    );
  const tenantId = options.tenant!;
  const problems: string[] = [];
  const integer = (flag: 'requests-per-minute' | 'max-concurrent-requests') => {
    const value = options[flag];
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) {
      problems.push(
        `tenant "${tenantId}": --${flag} must be a positive integer (got ${JSON.stringify(value)})`,
      );
      return undefined;
    }
    return Number(value);
  };
  const missingCredential = (value: string, source: string) => {
    if (value === '') problems.push(`tenant "${tenantId}": ${source} is not set`);
  };
  missingCredential(
    credentials.publicKey,
    options['credentials-stdin'] ? 'publicKey on stdin' : CREDENTIAL_ENV.publicKey,
  );
  missingCredential(
    credentials.privateKey,
    options['credentials-stdin'] ? 'privateKey on stdin' : CREDENTIAL_ENV.privateKey,
  );
  missingCredential(credentials.clientId, `--client-id (or ${CREDENTIAL_ENV.clientId})`);
  const requestsPerMinute = integer('requests-per-minute');
  const maxConcurrentRequests = integer('max-concurrent-requests');
  const tables = options.tables?.flatMap((value) => value.split(',').map((table) => table.trim()));
  // A missing key is reported above; a stand-in lets the schema report every other problem in the same run.
  const orStandIn = (value: string) => (value === '' ? 'missing' : value);
  const document = {
    tenants: [
      {
        id: tenantId,
        ...(options.name !== undefined ? { name: options.name } : {}),
        enabled: !options.disabled,
        services: {
          connectwise: {
            baseUrl: options['base-url'],
            companyId: options.company,
            publicKey: orStandIn(credentials.publicKey),
            privateKey: orStandIn(credentials.privateKey),
            clientId: orStandIn(credentials.clientId),
            ...(tables ? { tables } : {}),
            ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}),
            ...(maxConcurrentRequests !== undefined ? { maxConcurrentRequests } : {}),
            ...(options['backfill-from'] !== undefined ? { backfillFrom: options['backfill-from'] } : {}),
          },
        },
      },
    ],
  };
  let loaded;
  try {
    loaded = parseTenantsFile(document, {}, `tenant "${tenantId}"`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.issues.map(withFlagNames));
  }
  if (problems.length > 0 || !loaded) throw new ValidationError(`Invalid tenant "${tenantId}"`, problems);
  return { tenant: loaded.tenants[0]!, companyId: options.company! };
}

/** `tenant "acme": services.connectwise.baseUrl: Invalid URL` → `tenant "acme": --base-url: Invalid URL`. */
function withFlagNames(issue: string): string {
  return issue.replace(/^(tenant "[^"]*": )([\w.]+)(?=: )/, (whole, label: string, field: string) => {
    // `services.connectwise.tables.0` is the first value of --tables.
    const flag = FLAG_OF_FIELD[field] ?? FLAG_OF_FIELD[field.replace(/\.\d+$/, '')];
    return flag ? `${label}${flag}` : whole;
  });
}

async function list(admin: TenantAdmin, stage: string, options: TenantArgs, io: CliIo): Promise<number> {
  const listings = await admin.listRegistered();
  if (options.json) {
    io.out(JSON.stringify({ stage, tenants: listings.map(listingJson) }, null, 2));
    return 0;
  }
  if (listings.length === 0) {
    io.out(`no tenants in stage ${stage} (add one: avesa tenants add --stage ${stage} ...)`);
    return 0;
  }
  const rows = [
    ['TENANT', 'ENABLED', 'COMPANY', 'NAME', 'BASE URL', 'REQ/MIN', 'SECRET'],
    ...listings.map((listing) => {
      const cw = listing.config.services.connectwise;
      return [
        listing.config.id,
        listing.config.enabled ? 'yes' : 'no',
        listing.companyId ?? '-',
        listing.config.name,
        cw?.baseUrl ?? '-',
        cw ? String(cw.requestsPerMinute) : '-',
        listing.hasCredentials ? 'yes' : 'MISSING',
      ];
    }),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
  const missing = listings.filter((listing) => !listing.hasCredentials).map((listing) => listing.config.id);
  if (missing.length > 0)
    io.out(
      `\nno credentials secret for ${missing.join(', ')}: their syncs fail until \`avesa tenants add\` stores them`,
    );
  return 0;
}

function listingJson(listing: TenantListing) {
  const cw = listing.config.services.connectwise;
  return {
    tenantId: listing.config.id,
    name: listing.config.name,
    enabled: listing.config.enabled,
    companyId: listing.companyId,
    baseUrl: cw?.baseUrl ?? null,
    tables: cw?.tables ?? [],
    requestsPerMinute: cw?.requestsPerMinute ?? null,
    maxConcurrentRequests: cw?.maxConcurrentRequests ?? null,
    backfillFrom: cw?.backfillFrom ?? null,
    hasCredentials: listing.hasCredentials,
  };
}

async function setEnabled(
  adminOf: () => TenantAdmin,
  stage: string,
  enabled: boolean,
  options: TenantArgs,
  io: CliIo,
): Promise<number> {
  if (options.tenant === undefined)
    throw new ValidationError(`avesa tenants ${enabled ? 'enable' : 'disable'} needs --tenant`);
  assertTenantId(options.tenant);
  if (!(await adminOf().setEnabled(options.tenant, enabled))) {
    io.err(`error: tenant "${options.tenant}" is not registered in stage ${stage}`);
    return 1;
  }
  io.out(
    enabled
      ? `tenant ${options.tenant} enabled in stage ${stage}: the next sync includes it`
      : `tenant ${options.tenant} disabled in stage ${stage}: discovery skips it from the next job on ` +
          `(a job already running finishes); its data and credentials are kept`,
  );
  return 0;
}

/** Exit 2 for input the operator must fix, 1 for everything else; a key value is never printed. */
function reportError(
  error: unknown,
  context: { stage: string | undefined; credentialValues: string[]; io: CliIo },
): number {
  const usage = error instanceof ValidationError || error instanceof InvalidTenantIdError;
  let message = errorMessage(error);
  const name = (error as { name?: unknown }).name;
  if (!usage && name === 'ResourceNotFoundException' && context.stage !== undefined)
    message += ` (is stage ${context.stage} deployed in this account and region? \`npx sls deploy --stage ${context.stage}\`)`;
  if (!usage && typeof name === 'string' && name !== 'Error' && !message.startsWith(name))
    message = `${name}: ${message}`;
  // Defence in depth: no message built here carries a key, and an AWS error does not echo its request.
  for (const value of context.credentialValues) message = message.split(value).join('***');
  context.io.err(`error: ${message}`);
  return usage ? 2 : 1;
}

function argValue(args: string[], flag: string): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === flag) return args[index + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}
