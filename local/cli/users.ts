import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { ROLES } from '../../api/contract';
import { awsUserStore, stageStateTable } from '../../api/auth/awsStores';
import { UserExistsError } from '../../api/auth/errors';
import { localUserStore, localUsersPath } from '../../api/auth/localStores';
import { ACCESS_TOKEN_SECONDS } from '../../api/auth/sessions';
import { normalizeEmail, type UserListing, type UserStore } from '../../api/auth/users';
import { errorMessage, InvalidTenantIdError, ValidationError } from '../../shared/errors';
import type { CliIo } from './main';

export const PASSWORD_VARIABLE = 'AVESA_PASSWORD';

export interface UsersDeps {
  /** A deployed stage's users (tests pass one over a fake table); default: DynamoDB from the environment. */
  stageUsers?: (stage: string) => UserStore;
  /** All of stdin when it is piped or redirected, undefined when it is a terminal; default: process.stdin. */
  readStdin?: () => Promise<string | undefined>;
}

interface TargetOptions {
  state: string;
  stage?: string;
}

/** Where the users are, and a phrase for the messages. */
interface Target {
  users: UserStore;
  where: string;
  local: boolean;
}

/**
 * `avesa users add|list|remove`: the analytics API's users, in the local state directory (where a running
 * `avesa serve` sees changes at once) or, with --stage, in a deployed stage's state table. Passwords come from
 * stdin or AVESA_PASSWORD, never from argv (shell history, `ps`), and are never printed. Exit 2: bad input;
 * 1: the user exists (add), is not there (remove), or AWS failed.
 */
export function registerUsersCommand(
  program: Command,
  io: CliIo,
  done: (code: number) => void,
  deps: UsersDeps = {},
): Command {
  const users = program
    .command('users')
    .description(
      "the analytics API's users: add | list | remove, in the state directory (--state) or of a deployed stage (--stage)",
    );
  const withTarget = (command: Command) =>
    command
      .option('--state <dir>', 'the state directory `avesa serve` uses', '.avesa/state')
      .option(
        '--stage <stage>',
        "a deployed stage's users, in its DynamoDB state table (AWS credentials from the environment)",
      );
  const run = async (action: () => Promise<number>) => done(await reportErrors(action, io));

  withTarget(
    users
      .command('add')
      .description(
        `add a user; the password is ${PASSWORD_VARIABLE} when set, else read from stdin when it is piped (\`read -s P; printf %s "$P" | avesa users add ...\`), ` +
          `else from ${PASSWORD_VARIABLE}; at least 12 characters`,
      )
      .requiredOption('--tenant <id>', 'the tenant the user signs in to')
      .requiredOption('--email <email>', 'the sign-in name (case does not matter)')
      .addOption(
        new Option('--role <role>', 'viewer reads; analyst also history and exports; admin also manages')
          .choices(ROLES)
          .makeOptionMandatory(),
      )
      .option('--json', 'machine-readable', false),
  ).action((options: TargetOptions & AddOptions, command: Command) =>
    run(async () => add(target(options, command, deps), options, io, deps)),
  );

  withTarget(
    users
      .command('list')
      .description("a tenant's users: email, role, when added (never a password or its hash)")
      .requiredOption('--tenant <id>', 'the tenant')
      .option('--json', 'machine-readable', false),
  ).action((options: TargetOptions & { tenant: string; json: boolean }, command: Command) =>
    run(async () => list(target(options, command, deps), options, io)),
  );

  withTarget(
    users
      .command('remove')
      .description(
        `remove a user: signing in stops at once, sessions end at their next refresh (access tokens expire within ${ACCESS_TOKEN_SECONDS / 60} minutes)`,
      )
      .requiredOption('--tenant <id>', 'the tenant')
      .requiredOption('--email <email>', 'the user'),
  ).action((options: TargetOptions & { tenant: string; email: string }, command: Command) =>
    run(async () => remove(target(options, command, deps), options, io)),
  );

  return users;
}

function target(options: TargetOptions, command: Command, deps: UsersDeps): Target {
  if (options.stage !== undefined) {
    if (command.getOptionValueSource('state') === 'cli')
      throw new ValidationError('choose one of --state (local users) and --stage (a deployed stage)');
    const table = stageStateTable(options.stage);
    return {
      users: (deps.stageUsers ?? ((stage) => awsUserStore({ tableName: stageStateTable(stage) })))(
        options.stage,
      ),
      where: `stage ${options.stage} (DynamoDB table ${table})`,
      local: false,
    };
  }
  const stateDir = resolve(options.state);
  return { users: localUserStore(stateDir), where: localUsersPath(stateDir), local: true };
}

interface AddOptions {
  tenant: string;
  email: string;
  role: string;
  json: boolean;
}

async function add(target: Target, options: AddOptions, io: CliIo, deps: UsersDeps): Promise<number> {
  const password = await readPassword(io, deps);
  const user = await target.users.add({
    tenantId: options.tenant,
    email: options.email,
    role: options.role,
    password,
  });
  if (options.json) {
    io.out(JSON.stringify({ store: target.where, user }, null, 2));
    return 0;
  }
  io.out(
    `added ${user.email} to tenant ${user.tenantId} as ${user.role} (user ${user.userId}) in ${target.where}`,
  );
  if (target.local) io.out('a running avesa serve on this state directory lets them sign in now');
  return 0;
}

async function list(target: Target, options: { tenant: string; json: boolean }, io: CliIo): Promise<number> {
  const users = await target.users.list(options.tenant);
  if (options.json) {
    io.out(JSON.stringify({ tenantId: options.tenant, store: target.where, users }, null, 2));
    return 0;
  }
  if (users.length === 0) {
    io.out(
      `no users in tenant ${options.tenant} (${target.where}); add one: ` +
        `avesa users add --tenant ${options.tenant} --email E --role admin`,
    );
    return 0;
  }
  printTable(users, io);
  return 0;
}

function printTable(users: UserListing[], io: CliIo): void {
  const rows = [
    ['EMAIL', 'ROLE', 'ADDED', 'USER ID'],
    ...users.map((user) => [
      user.email,
      user.role,
      user.createdAt.slice(0, 19).replace('T', ' '),
      user.userId,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    io.out(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
}

async function remove(
  target: Target,
  options: { tenant: string; email: string },
  io: CliIo,
): Promise<number> {
  if (!(await target.users.remove(options.tenant, options.email))) {
    io.err(`error: tenant ${options.tenant} has no user ${options.email} (${target.where})`);
    return 1;
  }
  io.out(
    `removed ${normalizeEmail(options.email)} from tenant ${options.tenant}: they can no longer sign in; ` +
      `their sessions end at the next refresh (access tokens expire within ${ACCESS_TOKEN_SECONDS / 60} minutes)`,
  );
  return 0;
}

/**
 * AVESA_PASSWORD when it is set, else stdin when something is piped (one line; its line ending is not part of
 * the password). The environment goes first so that a caller whose stdin is an open pipe it never closes (a
 * script, a test harness, a CI step) is not left waiting for its end. The policy (api/auth/passwords.ts) is
 * checked by the store.
 */
async function readPassword(io: CliIo, deps: UsersDeps): Promise<string> {
  const fromEnvironment = io.env[PASSWORD_VARIABLE];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  const piped = await (deps.readStdin ?? readProcessStdin)();
  if (piped !== undefined) {
    const password = piped.replace(/\r?\n$/, '');
    if (/[\r\n]/.test(password))
      throw new ValidationError('stdin has more than one line: pipe the password alone');
    if (password !== '') return password;
  }
  throw new ValidationError(
    piped === undefined
      ? `no password: pipe it on stdin (\`read -s P; printf %s "$P" | avesa users add ...\`) or set ${PASSWORD_VARIABLE}`
      : `the password is empty: stdin had none and ${PASSWORD_VARIABLE} is not set`,
  );
}

async function readProcessStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit 2 for input the operator must fix, 1 for a conflict or an AWS failure. */
async function reportErrors(action: () => Promise<number>, io: CliIo): Promise<number> {
  try {
    return await action();
  } catch (error) {
    const usage = error instanceof ValidationError || error instanceof InvalidTenantIdError;
    let message = errorMessage(error);
    const name = (error as { name?: unknown }).name;
    if (!usage && !(error instanceof UserExistsError) && typeof name === 'string' && name !== 'Error')
      message = `${name}: ${message}`;
    io.err(`error: ${message}`);
    return usage ? 2 : 1;
  }
}
