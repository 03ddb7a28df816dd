import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { awsUserStore, stageStateTable } from '../../api/auth/awsStores';
import { localUserStore, localUsersPath, openLocalAuthStores } from '../../api/auth/localStores';
import { verifyPassword } from '../../api/auth/passwords';
import { registerUsersCommand, type UsersDeps } from '../../local/cli/users';
import { FakeDynamoDbTable } from '../adapters/aws/support/fakeDynamoDbTable';
import { RecordingLog } from '../support/authFixtures';
import { recordingIo } from './support';

const PASSWORD = 'a long enough passphrase';
const TERMINAL: UsersDeps = { readStdin: async () => undefined };
const piped = (text: string): UsersDeps => ({ readStdin: async () => text });

/** Runs `avesa users ...` the way main.ts composes it (commander with exitOverride), in this process. */
async function avesaUsers(args: string[], options: { env?: Record<string, string>; deps?: UsersDeps } = {}) {
  const recorded = recordingIo(options.env ?? {});
  let code: number | undefined;
  const program = new Command('avesa').exitOverride().configureOutput({
    writeOut: (text) => recorded.io.out(text.trimEnd()),
    writeErr: (text) => recorded.io.err(text.trimEnd()),
  });
  registerUsersCommand(program, recorded.io, (result) => (code = result), options.deps ?? TERMINAL);
  try {
    await program.parseAsync(['users', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = 2;
  }
  return { code, ...recorded };
}

/** The same command in a process of its own, with the password piped on stdin. */
function avesaUsersProcess(args: string[], stdin: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, 'usersProcess.ts'), ...args], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, AVESA_PASSWORD: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

describe('avesa users (local state directory)', () => {
  let stateDir: string;
  let state: string[];
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'avesa-users-'));
    state = ['--state', stateDir];
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const add = (email: string, role: string, options: Parameters<typeof avesaUsers>[1] = {}) =>
    avesaUsers(['add', '--tenant', 'acme', '--email', email, '--role', role, ...state], options);

  it('given AVESA_PASSWORD, when a user is added, then it is listed with its role and its password works', async () => {
    // Act
    const added = await add('Ana@Acme.test', 'analyst', { env: { AVESA_PASSWORD: PASSWORD } });
    const listed = await avesaUsers(['list', '--tenant', 'acme', ...state]);

    // Assess
    expect(added.code).toBe(0);
    expect(added.out[0]).toMatch(
      new RegExp(
        `^added ana@acme.test to tenant acme as analyst \\(user [0-9a-f-]{36}\\) in ${localUsersPath(stateDir)}$`,
      ),
    );
    expect(listed.code).toBe(0);
    expect(listed.out[0]).toMatch(/^EMAIL +ROLE +ADDED +USER ID$/);
    expect(listed.out[1]).toMatch(/^ana@acme\.test +analyst +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[0-9a-f-]{36}$/);
    const user = await localUserStore(stateDir).find('acme', 'ana@acme.test');
    expect(await verifyPassword(user!.passwordHash, PASSWORD)).toBe(true);
    expect(readFileSync(localUsersPath(stateDir), 'utf8')).not.toContain(PASSWORD);
  });

  it('given a password piped on stdin, then it is used (its line ending is not part of it)', async () => {
    const added = await add('ana@acme.test', 'viewer', { env: {}, deps: piped(`${PASSWORD}\n`) });

    expect(added.code).toBe(0);
    const user = await localUserStore(stateDir).find('acme', 'ana@acme.test');
    expect(await verifyPassword(user!.passwordHash, PASSWORD)).toBe(true);
    expect(added.all()).not.toContain(PASSWORD);
  });

  it('given AVESA_PASSWORD, then it is used and stdin is never read (a pipe nobody closes cannot hang it)', async () => {
    const added = await add('ana@acme.test', 'viewer', {
      env: { AVESA_PASSWORD: PASSWORD },
      deps: { readStdin: () => new Promise<string | undefined>(() => {}) },
    });

    expect(added.code).toBe(0);
    const user = await localUserStore(stateDir).find('acme', 'ana@acme.test');
    expect(await verifyPassword(user!.passwordHash, PASSWORD)).toBe(true);
  });

  it.each([
    [
      'a short password on stdin',
      piped('short\n'),
      {},
      'the password is too short: it must have at least 12 characters (it has 5)',
    ],
    [
      'an empty stdin and no AVESA_PASSWORD',
      piped(''),
      {},
      'the password is empty: stdin had none and AVESA_PASSWORD is not set',
    ],
    [
      'a short AVESA_PASSWORD',
      TERMINAL,
      { AVESA_PASSWORD: 'hunter2' },
      'the password is too short: it must have at least 12 characters (it has 7)',
    ],
    ['no password at all', TERMINAL, {}, 'no password: pipe it on stdin'],
    ['two lines on stdin', piped(`${PASSWORD}\nmore\n`), {}, 'stdin has more than one line'],
  ])(
    'given %s, when a user is added, then it is refused (exit 2) and nothing is stored',
    async (_label, deps, env, message) => {
      const added = await add('ana@acme.test', 'viewer', { env, deps });

      expect(added.code).toBe(2);
      expect(added.err.join('\n')).toContain(`error: ${message}`);
      expect(existsSync(localUsersPath(stateDir))).toBe(false);
    },
  );

  it('given a user, when the same email is added again, then it is refused (exit 1) saying how to replace it', async () => {
    await add('ana@acme.test', 'viewer', { env: { AVESA_PASSWORD: PASSWORD } });

    const again = await add('ANA@acme.test', 'admin', { env: { AVESA_PASSWORD: PASSWORD } });

    expect(again.code).toBe(1);
    expect(again.err).toEqual([
      'error: tenant acme already has a user ana@acme.test: remove it first (avesa users remove --tenant acme --email ana@acme.test) to replace it',
    ]);
    expect((await localUserStore(stateDir).find('acme', 'ana@acme.test'))?.role).toBe('viewer');
  });

  it('given a user, when removed, then it is gone from the list; removing it again is exit 1', async () => {
    await add('ana@acme.test', 'viewer', { env: { AVESA_PASSWORD: PASSWORD } });
    await add('bob@acme.test', 'admin', { env: { AVESA_PASSWORD: PASSWORD } });

    const removed = await avesaUsers(['remove', '--tenant', 'acme', '--email', 'Ana@acme.test', ...state]);
    const again = await avesaUsers(['remove', '--tenant', 'acme', '--email', 'ana@acme.test', ...state]);
    const listed = await avesaUsers(['list', '--tenant', 'acme', '--json', ...state]);

    expect(removed.code).toBe(0);
    expect(removed.out[0]).toMatch(/^removed ana@acme\.test from tenant acme: they can no longer sign in/);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/^error: tenant acme has no user ana@acme\.test/);
    const json = JSON.parse(listed.out.join('\n'));
    expect(json.users.map((user: { email: string }) => user.email)).toEqual(['bob@acme.test']);
  });

  it('given users, when listed as JSON, then neither a password nor a hash is printed', async () => {
    await add('ana@acme.test', 'viewer', { env: { AVESA_PASSWORD: PASSWORD } });

    const listed = await avesaUsers(['list', '--tenant', 'acme', '--json', ...state]);

    expect(JSON.parse(listed.out.join('\n'))).toEqual({
      tenantId: 'acme',
      store: localUsersPath(stateDir),
      users: [
        {
          userId: expect.any(String),
          tenantId: 'acme',
          email: 'ana@acme.test',
          role: 'viewer',
          createdAt: expect.any(String),
        },
      ],
    });
    expect(listed.all()).not.toMatch(/argon2|passwordHash/);
  });

  it('given a tenant without users, then the list says so and how to add one', async () => {
    const listed = await avesaUsers(['list', '--tenant', 'acme', ...state]);

    expect(listed.code).toBe(0);
    expect(listed.out[0]).toMatch(
      /^no users in tenant acme .*avesa users add --tenant acme --email E --role admin$/,
    );
  });

  it.each([
    [
      'an invalid tenant id',
      ['--tenant', 'Acme Inc', '--email', 'a@b.co', '--role', 'viewer'],
      'Invalid tenant id "Acme Inc"',
    ],
    ['an invalid email', ['--tenant', 'acme', '--email', 'ana', '--role', 'viewer'], 'invalid email "ana"'],
    [
      'an unknown role',
      ['--tenant', 'acme', '--email', 'a@b.co', '--role', 'owner'],
      'Allowed choices are viewer, analyst, admin',
    ],
    ['no --role', ['--tenant', 'acme', '--email', 'a@b.co'], "required option '--role <role>' not specified"],
  ])(
    'given %s, when a user is added, then it is a usage error (exit 2) saying what is wrong',
    async (_label, args, message) => {
      const added = await avesaUsers(['add', ...args, ...state], { env: { AVESA_PASSWORD: PASSWORD } });

      expect(added.code).toBe(2);
      expect(added.err.join('\n')).toContain(message);
    },
  );

  it('given --state and --stage together, then it is refused', async () => {
    const listed = await avesaUsers(['list', '--tenant', 'acme', '--stage', 'dev', ...state]);

    expect(listed.code).toBe(2);
    expect(listed.err).toEqual(['error: choose one of --state (local users) and --stage (a deployed stage)']);
  });
});

describe('avesa users while avesa serve runs on the same state directory', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'avesa-users-serve-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('given the server holds the auth stores, when the CLI adds a user, then the server finds it and signs it in without a restart', async () => {
    // Prepare: the stores as the server opens them, and a read before the user exists
    const server = openLocalAuthStores(stateDir, { env: {}, log: new RecordingLog() });
    expect(await server.users.find('acme', 'ana@acme.test')).toBeUndefined();

    // Act
    const added = await avesaUsers(
      ['add', '--tenant', 'acme', '--email', 'ana@acme.test', '--role', 'admin', '--state', stateDir],
      {
        env: { AVESA_PASSWORD: PASSWORD },
      },
    );

    // Assess
    expect(added.code).toBe(0);
    const user = await server.users.find('acme', 'ana@acme.test');
    expect(user?.role).toBe('admin');
    expect(await verifyPassword(user!.passwordHash, PASSWORD)).toBe(true);
    const tokens = await server.sessions.start(user!);
    expect((await server.sessions.refresh(tokens.refreshToken)).user.email).toBe('ana@acme.test');
    server.close();
  });

  it('given the server holds the auth stores, when another process adds and removes users, then the server sees each change', async () => {
    const server = openLocalAuthStores(stateDir, { env: {}, log: new RecordingLog() });
    await server.users.add({
      tenantId: 'acme',
      email: 'first@acme.test',
      role: 'viewer',
      password: PASSWORD,
    });

    const added = await avesaUsersProcess(
      ['add', '--tenant', 'acme', '--email', 'second@acme.test', '--role', 'analyst', '--state', stateDir],
      `${PASSWORD}\n`,
    );
    expect(added).toEqual({
      code: 0,
      output: expect.stringContaining('added second@acme.test to tenant acme'),
    });
    expect((await server.users.list('acme')).map((user) => user.email)).toEqual([
      'first@acme.test',
      'second@acme.test',
    ]);

    const removed = await avesaUsersProcess(
      ['remove', '--tenant', 'acme', '--email', 'first@acme.test', '--state', stateDir],
      '',
    );
    expect(removed.code).toBe(0);
    expect(await server.users.find('acme', 'first@acme.test')).toBeUndefined();
    server.close();
  }, 30_000);

  it('given a server holds the sessions, when a second server opens the same directory, then it is refused naming the first', async () => {
    const server = openLocalAuthStores(stateDir, { env: {}, log: new RecordingLog() });

    expect(() => openLocalAuthStores(stateDir, { env: {}, log: new RecordingLog() })).toThrow(
      `the sessions of this state directory are in use by process ${process.pid}`,
    );

    server.close();
    expect(() => openLocalAuthStores(stateDir, { env: {}, log: new RecordingLog() }).close()).not.toThrow();
  });
});

describe('avesa users --stage (DynamoDB)', () => {
  it("given a stage, when users are added, listed and removed, then they live in the stage's state table", async () => {
    // Prepare
    const table = new FakeDynamoDbTable({ hashKey: 'pk', rangeKey: 'sk' });
    const client = table.client();
    const deps: UsersDeps = {
      ...TERMINAL,
      stageUsers: (stage) => awsUserStore({ tableName: stageStateTable(stage), client }),
    };
    const env = { AVESA_PASSWORD: PASSWORD };

    // Act
    const added = await avesaUsers(
      ['add', '--stage', 'test', '--tenant', 'acme', '--email', 'ana@acme.test', '--role', 'viewer'],
      { env, deps },
    );
    const listed = await avesaUsers(['list', '--stage', 'test', '--tenant', 'acme', '--json'], { deps });
    const removed = await avesaUsers(
      ['remove', '--stage', 'test', '--tenant', 'acme', '--email', 'ana@acme.test'],
      { deps },
    );

    // Assess
    expect(added.code).toBe(0);
    expect(added.out[0]).toMatch(/in stage test \(DynamoDB table avesa-test-state\)$/);
    expect(JSON.parse(listed.out.join('\n')).users.map((user: { email: string }) => user.email)).toEqual([
      'ana@acme.test',
    ]);
    expect(removed.code).toBe(0);
    expect(
      (await avesaUsers(['list', '--stage', 'test', '--tenant', 'acme', '--json'], { deps })).out.join(''),
    ).toContain('"users": []');
    const tables = new Set(table.calls.map((call) => (call.input as { TableName: string }).TableName));
    expect(tables).toEqual(new Set(['avesa-test-state']));
    expect(JSON.stringify(table.calls)).not.toContain(PASSWORD);
  });

  it('given an invalid stage name, then it is a usage error', async () => {
    const listed = await avesaUsers(['list', '--stage', 'no such stage', '--tenant', 'acme']);

    expect(listed.code).toBe(2);
    expect(listed.err[0]).toMatch(/^error: Invalid stage "no such stage"/);
  });
});
