import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { SOURCES, SOURCE_NAMES, findSource } from '../../sources/registry';
import { AwsTenantAdmin, stageTenantStorage } from '../../shared/adapters/aws/awsTenantAdmin';
import { assertTenantId } from '../../shared/config/tenantId';
import { parseTenantsFile, type SourceCredentials } from '../../shared/config/tenantsFile';
import { errorMessage, InvalidTenantIdError, ValidationError } from '../../shared/errors';
import type { TenantAdmin, TenantListing } from '../../shared/ports';
import type { SourceConnector } from '../../shared/sources/connector';
import type { CliIo } from './main';

/** Usage, built from every connector's settings flags and credential fields (one place says what they are). */
export const TENANTS_USAGE = [
  'usage:',
  '  avesa tenants add --stage S --tenant ID [--source S] [--name NAME] [--tables T,T]',
  '                    [--requests-per-minute N] [--max-concurrent-requests N] [--backfill-from ISO]',
  '                    [--disabled] [--credentials-stdin] [--json]  plus the flags of the source:',
  ...SOURCES.map((connector) => {
    const flags = [
      ...connector.cliSettingFlags.map((flag) => `--${flag.flag} ${flag.type === 'json' ? 'JSON' : 'VALUE'}`),
      ...connector.credentialFields.filter((field) => field.flag).map((field) => `--${field.flag} VALUE`),
    ];
    const secrets = connector.credentialFields.filter((field) => field.secret);
    return (
      `    --source ${connector.name}${connector === SOURCES[0] ? ' (default)' : ''}: ${flags.join(' ')}\n` +
      `      secrets: ${secrets.map((field) => field.envVariable).join(', ')} in the environment, or with ` +
      `--credentials-stdin a JSON object {${secrets.map((field) => `"${field.name}": "..."`).join(', ')}} on stdin`
    );
  }),
  '  avesa tenants list --stage S [--json]',
  '  avesa tenants disable|enable --stage S --tenant ID',
].join('\n');

export interface TenantsDeps {
  /** The admin of a deployed stage; default: DynamoDB and Secrets Manager clients from the environment. */
  adminFor?: (stage: string) => TenantAdmin;
  /** All of stdin, for --credentials-stdin; default: process.stdin, refused when it is a terminal. */
  readStdin?: () => Promise<string>;
}

/** Flags named like a secret credential: refused by name, so the message never repeats the value. */
const SECRET_FLAGS = [
  ...new Set(
    SOURCES.flatMap((connector) =>
      connector.credentialFields
        .filter((field) => field.secret)
        .flatMap((field) => {
          const dashed = field.name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
          return [`--${dashed}`, `--${field.name.toLowerCase()}`];
        }),
    ),
  ),
];

/** The flags every source shares, mapped onto its settings fields. */
const SHARED_SETTING_FLAGS = {
  tables: 'tables',
  'requests-per-minute': 'requestsPerMinute',
  'max-concurrent-requests': 'maxConcurrentRequests',
  'backfill-from': 'backfillFrom',
} as const;

/** Every connector's own flags, for the argument parser (a flag of another source is refused later). */
const SOURCE_FLAG_NAMES = [
  ...new Set(
    SOURCES.flatMap((connector) => [
      ...connector.cliSettingFlags.map((flag) => flag.flag),
      ...connector.credentialFields.flatMap((field) => (field.flag ? [field.flag] : [])),
    ]),
  ),
];

/**
 * `avesa tenants add|list|disable|enable --stage S`: registers a deployed stage's tenants, settings in
 * DynamoDB and credentials in Secrets Manager (`avesa/<stage>/<tenant>/<source>`), where discovery and the
 * fetcher read them. Secrets are never taken from argv (shell history, `ps`) and never printed. Exit 2:
 * usage or invalid input; 1: AWS failure or unknown tenant.
 */
export async function tenants(argv: string[], io: CliIo, deps: TenantsDeps = {}): Promise<number> {
  const [subcommand, ...rest] = argv;
  let credentialValues: string[] = [];
  try {
    const keyFlag = rest.find((arg) =>
      SECRET_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
    );
    if (keyFlag !== undefined)
      throw new ValidationError(
        `${keyFlag.split('=')[0]} is not accepted: keys on the command line end up in shell history and process ` +
          `listings. Set them in the environment (${secretEnvVariables()}), or pipe them with --credentials-stdin`,
      );
    if (
      subcommand === 'help' ||
      subcommand === '--help' ||
      subcommand === '-h' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
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
        const connector = sourceOf(options);
        const credentials = await readCredentials(connector, options, io, deps);
        credentialValues = connector.credentialFields
          .filter((field) => field.secret)
          .map((field) => credentials[field.name] ?? '')
          .filter((value) => value.length > 0);
        const tenant = validatedTenant(connector, options, credentials);
        const { created } = await adminOf().putTenant(tenant, {
          [connector.name]: pick(credentials, connector),
        });
        const secretName = `${storage.secretsPrefix}/${tenant.id}/${connector.name}`;
        if (options.json) {
          io.out(
            JSON.stringify(
              {
                stage,
                tenantId: tenant.id,
                source: connector.name,
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
              `(${tenant.enabled ? 'enabled' : 'disabled'}, source ${connector.name}): settings in DynamoDB table ` +
              `${storage.tableName}, credentials in secret ${secretName}`,
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

function secretEnvVariables(): string {
  return SOURCES.flatMap((connector) =>
    connector.credentialFields.filter((field) => field.secret).map((field) => field.envVariable),
  ).join(', ');
}

type TenantArgs = {
  stage?: string;
  tenant?: string;
  source?: string;
  name?: string;
  tables?: string[];
  'requests-per-minute'?: string;
  'max-concurrent-requests'?: string;
  'backfill-from'?: string;
  disabled: boolean;
  'credentials-stdin': boolean;
  json: boolean;
} & Record<string, string | string[] | boolean | undefined>;

function parseTenantArgs(args: string[]): TenantArgs {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        stage: { type: 'string' },
        tenant: { type: 'string' },
        source: { type: 'string' },
        name: { type: 'string' },
        tables: { type: 'string', multiple: true },
        'requests-per-minute': { type: 'string' },
        'max-concurrent-requests': { type: 'string' },
        'backfill-from': { type: 'string' },
        disabled: { type: 'boolean', default: false },
        'credentials-stdin': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        ...Object.fromEntries(SOURCE_FLAG_NAMES.map((flag) => [flag, { type: 'string' as const }])),
      },
    }).values as TenantArgs;
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

function sourceOf(options: TenantArgs): SourceConnector {
  const name = options.source ?? SOURCES[0]!.name;
  const connector = findSource(name);
  if (!connector)
    throw new ValidationError(
      `--source ${JSON.stringify(name)}: unknown source (the sources are ${SOURCE_NAMES.join(', ')})`,
    );
  const own = new Set([
    ...connector.cliSettingFlags.map((flag) => flag.flag),
    ...connector.credentialFields.flatMap((field) => (field.flag ? [field.flag] : [])),
  ]);
  const foreign = SOURCE_FLAG_NAMES.filter((flag) => !own.has(flag) && options[flag] !== undefined);
  if (foreign.length > 0)
    throw new ValidationError(
      `${foreign.map((flag) => `--${flag}`).join(', ')}: not a setting of source ${connector.name}\n${TENANTS_USAGE}`,
    );
  return connector;
}

function pick(credentials: SourceCredentials, connector: SourceConnector): SourceCredentials {
  return Object.fromEntries(
    connector.credentialFields
      .filter((field) => credentials[field.name] !== undefined && credentials[field.name] !== '')
      .map((field) => [field.name, credentials[field.name]!]),
  );
}

/**
 * The source's credentials: secrets from their environment variables (or the stdin JSON), non-secret ones
 * from their flag, else the environment (or stdin). Values are not validated here: `validatedTenant` does.
 */
async function readCredentials(
  connector: SourceConnector,
  options: TenantArgs,
  io: CliIo,
  deps: TenantsDeps,
): Promise<SourceCredentials> {
  let fromStdin: Record<string, unknown> | undefined;
  if (options['credentials-stdin']) {
    const text = await (deps.readStdin ?? readProcessStdin)();
    try {
      fromStdin = (JSON.parse(text) ?? {}) as Record<string, unknown>;
    } catch {
      // JSON.parse quotes the text around the error: the keys. Say only what is expected.
      const secrets = connector.credentialFields.filter((field) => field.secret);
      throw new ValidationError(
        `--credentials-stdin: stdin is not a JSON object like {${secrets.map((field) => `"${field.name}": "..."`).join(', ')}}`,
      );
    }
  }
  const credentials: SourceCredentials = {};
  for (const field of connector.credentialFields) {
    const flagValue = field.flag ? options[field.flag] : undefined;
    const stdinValue = fromStdin?.[field.name];
    const value =
      typeof flagValue === 'string'
        ? flagValue
        : fromStdin
          ? typeof stdinValue === 'string'
            ? stdinValue
            : field.secret
              ? ''
              : (io.env[field.envVariable] ?? '')
          : (io.env[field.envVariable] ?? '');
    credentials[field.name] = value;
  }
  return credentials;
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new ValidationError(
      '--credentials-stdin reads a pipe or a file (`< keys.json`), not a terminal, where the keys would echo; ' +
        'interactively, use `read -s VARIABLE` and export the variables instead',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Where a credential comes from, as the operator would set it. */
function credentialOrigin(connector: SourceConnector, name: string, options: TenantArgs): string {
  const field = connector.credentialFields.find((candidate) => candidate.name === name)!;
  if (field.flag) return `--${field.flag} (or ${field.envVariable})`;
  return options['credentials-stdin'] ? `${field.name} on stdin` : field.envVariable;
}

/**
 * Validates the flags through the tenants-file schema, the one validation every tenant passes, so the stage
 * accepts exactly the tenants a tenants file would.
 */
function validatedTenant(connector: SourceConnector, options: TenantArgs, credentials: SourceCredentials) {
  const requiredSettings = connector.cliSettingFlags.filter(
    (flag) =>
      !(connector.settingsSchema.shape[flag.field] as z.ZodType | undefined)?.safeParse(undefined).success,
  );
  const missing = [
    ...(options.tenant === undefined ? ['--tenant'] : []),
    ...requiredSettings.filter((flag) => options[flag.flag] === undefined).map((flag) => `--${flag.flag}`),
  ];
  if (missing.length > 0)
    throw new ValidationError(`avesa tenants add needs ${missing.join(', ')}\n${TENANTS_USAGE}`);
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
  for (const field of connector.credentialFields) {
    if (!field.optional && (credentials[field.name] ?? '') === '')
      problems.push(`tenant "${tenantId}": ${credentialOrigin(connector, field.name, options)} is not set`);
  }
  const settings: Record<string, unknown> = {};
  for (const flag of connector.cliSettingFlags) {
    const value = options[flag.flag];
    if (typeof value !== 'string') continue;
    if (flag.type === 'string') settings[flag.field] = value;
    else {
      try {
        settings[flag.field] = JSON.parse(value);
      } catch {
        problems.push(`tenant "${tenantId}": --${flag.flag} must be JSON (got ${JSON.stringify(value)})`);
      }
    }
  }
  const requestsPerMinute = integer('requests-per-minute');
  const maxConcurrentRequests = integer('max-concurrent-requests');
  const tables = options.tables?.flatMap((value) => value.split(',').map((table) => table.trim()));
  // A missing key is reported above; a stand-in lets the schema report every other problem in the same run.
  const given = Object.fromEntries(
    connector.credentialFields.flatMap((field) => {
      const value = credentials[field.name] ?? '';
      if (value === '') return field.optional ? [] : [[field.name, 'missing']];
      return [[field.name, value]];
    }),
  );
  const document = {
    tenants: [
      {
        id: tenantId,
        ...(options.name !== undefined ? { name: options.name } : {}),
        enabled: !options.disabled,
        services: {
          [connector.name]: {
            ...settings,
            ...given,
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
    // A stand-in that the credentials schema rejects was reported above as not set.
    problems.push(
      ...error.issues
        .map((issue) => withFlagNames(issue, connector, options))
        .filter((issue) => !problems.some((problem) => issue.startsWith(problem))),
    );
  }
  if (problems.length > 0 || !loaded) throw new ValidationError(`Invalid tenant "${tenantId}"`, problems);
  return loaded.tenants[0]!;
}

/** `tenant "acme": services.connectwise.baseUrl: Invalid URL` → `tenant "acme": --base-url: Invalid URL`. */
function withFlagNames(issue: string, connector: SourceConnector, options: TenantArgs): string {
  const prefix = `services.${connector.name}.`;
  return issue.replace(/^(tenant "[^"]*": )([\w.]+)(?=: )/, (whole, label: string, path: string) => {
    if (path === 'id') return `${label}--tenant`;
    if (path === 'name') return `${label}--name`;
    if (!path.startsWith(prefix)) return whole;
    // `services.connectwise.tables.0` is the first value of --tables.
    const field = path.slice(prefix.length).replace(/\.\d+$/, '');
    const shared = Object.entries(SHARED_SETTING_FLAGS).find(([, name]) => name === field)?.[0];
    const own = connector.cliSettingFlags.find((flag) => flag.field === field)?.flag;
    if (shared ?? own) return `${label}--${shared ?? own}`;
    if (connector.credentialFields.some((candidate) => candidate.name === field))
      return `${label}${credentialOrigin(connector, field, options)}`;
    return whole;
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
    ['TENANT', 'ENABLED', 'ACCOUNT', 'NAME', 'SOURCES', 'REQ/MIN', 'SECRET'],
    ...listings.map((listing) => {
      const sources = Object.entries(listing.config.services);
      return [
        listing.config.id,
        listing.config.enabled ? 'yes' : 'no',
        accountLabel(listing) || '-',
        listing.config.name,
        sources.map(([source]) => source).join(',') || '-',
        sources.map(([, settings]) => String(settings.requestsPerMinute)).join(',') || '-',
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

/** Each source's first non-secret credential (a ConnectWise company, a ServiceNow user), for a glance. */
function accountLabel(listing: TenantListing): string {
  return Object.values(listing.accounts)
    .map((fields) => Object.values(fields)[0] ?? '')
    .filter((value) => value !== '')
    .join(',');
}

function listingJson(listing: TenantListing) {
  return {
    tenantId: listing.config.id,
    name: listing.config.name,
    enabled: listing.config.enabled,
    accounts: listing.accounts,
    sources: listing.config.services,
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
