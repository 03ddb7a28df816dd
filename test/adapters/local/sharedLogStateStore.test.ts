import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { acquireFileLock, SharedLogStateStore } from '../../../local/adapters/sharedLogStateStore';
import { stateStoreContract } from '../../contracts/stateStore.contract';

function temporaryDirectory() {
  const path = mkdtempSync(join(tmpdir(), 'avesa-shared-log-'));
  return { path, cleanup: async () => rmSync(path, { recursive: true, force: true }) };
}

stateStoreContract('shared log', async () => {
  const directory = temporaryDirectory();
  return { store: new SharedLogStateStore(join(directory.path, 'users.log')), cleanup: directory.cleanup };
});

stateStoreContract('shared log, written and read by two processes (two instances on one file)', async () => {
  // Writes alternate between the instances, reads go to the other one: each must see the other's writes and
  // honour its versions, as `avesa users add` and `avesa serve` do.
  const directory = temporaryDirectory();
  const path = join(directory.path, 'users.log');
  const instances = [new SharedLogStateStore(path), new SharedLogStateStore(path)] as const;
  let turn = 0;
  const writer = () => instances[turn++ % 2]!;
  const reader = () => instances[turn % 2]!;
  return {
    store: {
      get: (pk, sk) => reader().get(pk, sk),
      putIfAbsent: (pk, sk, value) => writer().putIfAbsent(pk, sk, value),
      putIfVersion: (pk, sk, value, expectedVersion) => writer().putIfVersion(pk, sk, value, expectedVersion),
      query: (pk, prefix) => reader().query(pk, prefix),
    },
    cleanup: directory.cleanup,
  };
});

describe('SharedLogStateStore', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let path: string;
  beforeEach(() => {
    directory = temporaryDirectory();
    path = join(directory.path, 'api', 'users.log');
  });
  afterEach(() => directory.cleanup());

  it('given a reader that has read the file, when another instance writes, then the next read sees the write', async () => {
    const server = new SharedLogStateStore(path);
    const cli = new SharedLogStateStore(path);
    expect(await server.get('user#acme', 'email#ana@acme.test')).toBeUndefined();

    await cli.putIfAbsent('user#acme', 'email#ana@acme.test', { role: 'admin' });

    expect(await server.get('user#acme', 'email#ana@acme.test')).toEqual({
      value: { role: 'admin' },
      version: 1,
    });
    expect(await server.query('user#acme')).toHaveLength(1);
  });

  it('given two instances that read version 1, when both write expecting it, then only the first write lands', async () => {
    const first = new SharedLogStateStore(path);
    const second = new SharedLogStateStore(path);
    await first.putIfAbsent('user#acme', 'email#ana@acme.test', { role: 'viewer' });
    await second.get('user#acme', 'email#ana@acme.test');

    const results = await Promise.all([
      first.putIfVersion('user#acme', 'email#ana@acme.test', { role: 'analyst' }, 1),
      second.putIfVersion('user#acme', 'email#ana@acme.test', { role: 'admin' }, 1),
    ]);

    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await new SharedLogStateStore(path).get('user#acme', 'email#ana@acme.test'))?.version).toBe(2);
  });

  it('given a torn last line left by a killed writer, then readers ignore it and the next write cuts it off', async () => {
    // Prepare
    const store = new SharedLogStateStore(path);
    await store.putIfAbsent('user#acme', 'email#a@acme.test', { n: 1 });
    appendFileSync(path, '{"pk":"user#acme","sk":"email#b@ac');

    // Act
    const beforeRepair = await new SharedLogStateStore(path).query('user#acme');
    await store.putIfAbsent('user#acme', 'email#c@acme.test', { n: 3 });

    // Assess
    expect(beforeRepair.map((item) => item.sk)).toEqual(['email#a@acme.test']);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).sk)).toEqual(['email#a@acme.test', 'email#c@acme.test']);
    expect((await new SharedLogStateStore(path).query('user#acme')).map((item) => item.sk)).toEqual([
      'email#a@acme.test',
      'email#c@acme.test',
    ]);
  });

  it('given a lock left by a process that died, when a write comes, then it takes the lock over and writes', async () => {
    const store = new SharedLogStateStore(path);
    await store.putIfAbsent('user#acme', 'email#a@acme.test', { n: 1 });
    // pid 2^22 + 1 is above Linux's pid_max default ceiling: no such process
    writeFileSync(`${path}.lock`, String(4_194_305));

    expect(await store.putIfAbsent('user#acme', 'email#b@acme.test', { n: 2 })).toBe(true);
    expect(() => readFileSync(`${path}.lock`)).toThrow();
  });

  it('given a lock held by a live process, when a write comes, then it waits for it and fails with the holder named', async () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.lock`, String(process.ppid));
    const store = new SharedLogStateStore(path, { lockTimeoutMs: 100 });

    const write = store.putIfAbsent('user#acme', 'email#a@acme.test', { n: 1 });

    await expect(write).rejects.toThrow(`${path}.lock is held by process ${process.ppid}`);
    expect(await store.get('user#acme', 'email#a@acme.test')).toBeUndefined();
  });

  it('given a lock held by a live process for an impossibly long time, then it is taken over', async () => {
    const lockPath = `${path}.lock`;
    const release = await acquireFileLock(lockPath, 100);
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lockPath, longAgo, longAgo);

    const again = await acquireFileLock(lockPath, 100);

    expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    again();
    release();
  });

  it('given no file yet, then reads are empty and create nothing', async () => {
    const store = new SharedLogStateStore(path);

    expect(await store.query('user#acme')).toEqual([]);
    expect(() => readFileSync(path)).toThrow();
  });
});
