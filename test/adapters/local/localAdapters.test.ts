import { credentialsKey } from '../../../shared/config/tenantsFile';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../../local/adapters/fsObjectStore';
import { LocalEventBus, LocalWorkQueue } from '../../../local/adapters/localEventBus';
import { LocalQueue } from '../../../local/adapters/localQueue';
import { LocalStateStore } from '../../../local/adapters/localStateStore';
import { TenantsFileRegistry } from '../../../local/adapters/tenantsFileRegistry';
import { CONSUMER_SERVICES, consumersOf, type ConsumerService } from '../../../shared/events/routing';
import { parseEvent, type AnyEvent } from '../../../shared/events/schemas';
import { eventBusContract } from '../../contracts/eventBus.contract';
import { objectStoreContract } from '../../contracts/objectStore.contract';
import { secretStoreContract } from '../../contracts/secretStore.contract';
import { stateStoreContract } from '../../contracts/stateStore.contract';
import { tenantRegistryContract } from '../../contracts/tenantRegistry.contract';
import { workQueueContract } from '../../contracts/workQueue.contract';

function temporaryDirectory() {
  const path = mkdtempSync(join(tmpdir(), 'avesa-contract-'));
  return { path, cleanup: async () => rmSync(path, { recursive: true, force: true }) };
}

function localQueues(): Record<ConsumerService, LocalQueue> {
  return Object.fromEntries(
    CONSUMER_SERVICES.map((service) => [
      service,
      new LocalQueue({ name: service, maxReceiveCount: 3, visibilityTimeoutMs: 1000 }),
    ]),
  ) as Record<ConsumerService, LocalQueue>;
}

objectStoreContract('filesystem directory', async () => {
  const directory = temporaryDirectory();
  return { store: new FsObjectStore(directory.path), cleanup: directory.cleanup };
});

stateStoreContract('write-ahead log', async () => {
  const directory = temporaryDirectory();
  const store = new LocalStateStore(join(directory.path, 'state.log'));
  return { store, cleanup: async () => (store.close(), directory.cleanup()) };
});

stateStoreContract('write-ahead log, reopened after every write', async () => {
  // Every read goes to a store replayed from the log: what one process wrote, the next one sees.
  const directory = temporaryDirectory();
  const path = join(directory.path, 'state.log');
  let current = new LocalStateStore(path);
  const reopen = () => {
    current.close();
    current = new LocalStateStore(path);
    return current;
  };
  const store = {
    get: (pk: string, sk: string) => reopen().get(pk, sk),
    putIfAbsent: (pk: string, sk: string, value: unknown) => current.putIfAbsent(pk, sk, value),
    putIfVersion: (pk: string, sk: string, value: unknown, version: number) =>
      current.putIfVersion(pk, sk, value, version),
    query: (pk: string, prefix?: string) => reopen().query(pk, prefix),
  } as LocalStateStore;
  return { store, cleanup: async () => (current.close(), directory.cleanup()) };
});

eventBusContract('in-process router over local queues', async () => {
  const queues = localQueues();
  const bus = new LocalEventBus(queues);
  const unrouted: AnyEvent[] = [];
  bus.observe((event) => {
    if (consumersOf(event.type).length === 0) unrouted.push(event);
  });
  return {
    bus,
    delivered: async () => [
      ...CONSUMER_SERVICES.flatMap((service) =>
        queues[service].peekAll().map((message) => parseEvent(JSON.parse(message.body))),
      ),
      ...unrouted,
    ],
    cleanup: async () => undefined,
  };
});

workQueueContract('local fetcher queue', async () => {
  const queue = new LocalQueue({ name: 'fetcher', maxReceiveCount: 3, visibilityTimeoutMs: 1000 });
  return {
    queue: new LocalWorkQueue(queue, 'fetcher'),
    arrived: async () =>
      queue.peekAll().map((message) => ({
        event: parseEvent(JSON.parse(message.body)),
        delaySeconds: Math.round((message.visibleAt - message.sentAt) / 1000),
      })),
    cleanup: async () => undefined,
  };
});

tenantRegistryContract('tenants file', async (tenants) => ({
  registry: new TenantsFileRegistry({ tenants, credentials: new Map() }),
  cleanup: async () => undefined,
}));

secretStoreContract('tenants file', async (credentials) => ({
  secrets: new TenantsFileRegistry({
    tenants: [],
    credentials: new Map(
      [...credentials].map(([tenantId, value]) => [credentialsKey(tenantId, 'connectwise'), value]),
    ),
  }),
  cleanup: async () => undefined,
}));
