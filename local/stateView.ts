import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listJobs, readJobProgress, type JobProgress } from '../services/progress/readProgress';
import { CONSUMER_SERVICES, QUEUE_SETTINGS, type ConsumerService } from '../shared/events/routing';
import { LocalQueue, type QueueMessage } from './adapters/localQueue';
import { LocalStateStore } from './adapters/localStateStore';
import type { StateStore } from '../shared/ports';

/**
 * A read-only view of a state directory: what `avesa status` and `avesa dlq list` read. It takes no lock and
 * never writes, compacts or creates a file, so it is safe beside a running `avesa run` (which owns the
 * directory); a line the runner is writing at that moment is simply not seen yet.
 */
export class StateView {
  private readonly state: LocalStateStore;
  private readonly queues: Record<ConsumerService, LocalQueue>;
  private readonly deadLetterQueues: Record<ConsumerService, LocalQueue>;

  constructor(private readonly stateDir: string) {
    this.state = new LocalStateStore(join(stateDir, 'state.log'), { readOnly: true });
    const queue = (name: string, service: ConsumerService) =>
      new LocalQueue({
        name,
        maxReceiveCount: QUEUE_SETTINGS[service].maxReceiveCount,
        visibilityTimeoutMs: QUEUE_SETTINGS[service].timeoutSeconds * 2000,
        logPath: join(stateDir, 'queues', `${name}.log`),
        readOnly: true,
      });
    this.queues = Object.fromEntries(
      CONSUMER_SERVICES.map((service) => [service, queue(service, service)]),
    ) as Record<ConsumerService, LocalQueue>;
    this.deadLetterQueues = Object.fromEntries(
      CONSUMER_SERVICES.map((service) => [service, queue(`${service}-dlq`, service)]),
    ) as Record<ConsumerService, LocalQueue>;
  }

  async jobs() {
    return listJobs(this.state);
  }

  async progress(jobId: string): Promise<JobProgress | undefined> {
    return readJobProgress(this.state, jobId);
  }

  /** Messages waiting in the work queues: a run is going on, or was interrupted. */
  hasPendingWork(): boolean {
    return CONSUMER_SERVICES.some((service) => this.queues[service].nextVisibleAt() !== undefined);
  }

  /** Whether a live process holds the directory (an `avesa run` is going on). */
  runningProcess(): number | undefined {
    const lock = join(this.stateDir, 'lock');
    if (!existsSync(lock)) return undefined;
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (!Number.isInteger(pid)) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  deadLetters(service: ConsumerService): QueueMessage[] {
    return this.deadLetterQueues[service].peekAll();
  }

  /** The state store, read-only (the pipeline page's read model reads it). */
  get store(): StateStore {
    return this.state;
  }

  /** Dead letters of one tenant across every consumer's DLQ (a message that does not parse counts for none). */
  tenantDeadLetters(tenantId: string): number {
    return CONSUMER_SERVICES.reduce(
      (count, service) =>
        count +
        this.deadLetters(service).filter((message) => {
          try {
            return (JSON.parse(message.body) as { tenantId?: unknown }).tenantId === tenantId;
          } catch {
            return false;
          }
        }).length,
      0,
    );
  }

  close(): void {
    this.state.close();
  }
}
