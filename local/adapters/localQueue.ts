import { DurableLog } from './durableLog';

export interface QueueMessage {
  messageId: string;
  body: string;
  /** Messages of one group (a tenant) are served round-robin with other groups' (SQS fair queues). */
  groupId: string | null;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  /** Set while a consumer holds the message; deleting needs the receipt of the latest receive. */
  receipt: string | null;
  lastError: string | null;
}

type LogEntry = { op: 'put'; message: QueueMessage } | { op: 'delete'; messageId: string };

export interface LocalQueueOptions {
  name: string;
  /** Deliveries before the message moves to the dead-letter queue. */
  maxReceiveCount: number;
  visibilityTimeoutMs: number;
  deadLetterQueue?: LocalQueue;
  /** Durable when given: every change is appended to this log. */
  logPath?: string;
  /** Replay the log and never write it: a reader beside the process that owns the queue. */
  readOnly?: boolean;
  now?: () => number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/**
 * A local queue with the SQS semantics the handlers rely on: at-least-once delivery, visibility timeout,
 * delays, receive counts with redrive to a DLQ after maxReceiveCount, and fair round-robin across groups.
 * Durable: a process killed at any point restarts with every undeleted message; messages that were in
 * flight in the dead process become visible again at once (their consumer is gone).
 */
export class LocalQueue {
  readonly name: string;
  private readonly messages = new Map<string, QueueMessage>();
  private readonly log: DurableLog<LogEntry> | undefined;
  private readonly now: () => number;
  private sequence = 0;
  private lastGroupServed: string | null = null;
  private listeners: Array<() => void> = [];

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.now = options.now ?? Date.now;
    if (options.logPath) {
      this.log = new DurableLog<LogEntry>(options.logPath, options.readOnly);
      for (const entry of this.log.replay()) {
        if (entry.op === 'put') this.messages.set(entry.message.messageId, entry.message);
        else this.messages.delete(entry.messageId);
      }
      const restartedAt = this.now();
      for (const message of this.messages.values()) {
        if (message.receipt !== null)
          Object.assign(message, { receipt: null, visibleAt: Math.min(message.visibleAt, restartedAt) });
      }
      this.sequence = this.messages.size;
      this.log.compact([...this.messages.values()].map((message) => ({ op: 'put' as const, message })));
    }
  }

  send(body: string, options: { delaySeconds?: number; groupId?: string | null } = {}): string {
    const sentAt = this.now();
    const messageId = `${this.name}-${sentAt.toString(36)}-${(this.sequence++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const message: QueueMessage = {
      messageId,
      body,
      groupId: options.groupId ?? null,
      sentAt,
      visibleAt: sentAt + Math.max(0, options.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
      receipt: null,
      lastError: null,
    };
    this.write(message);
    this.notify();
    return messageId;
  }

  /**
   * Receives up to `max` visible messages, taking groups in turn so one busy group cannot starve the rest.
   * A message received more than maxReceiveCount times moves to the DLQ instead (SQS redrive policy).
   */
  receive(max: number): QueueMessage[] {
    const now = this.now();
    const byGroup = new Map<string, QueueMessage[]>();
    for (const message of this.messages.values()) {
      if (message.visibleAt > now || message.receipt !== null) continue;
      const group = message.groupId ?? '';
      const list = byGroup.get(group);
      if (list) list.push(message);
      else byGroup.set(group, [message]);
    }
    const groups = [...byGroup.keys()].sort();
    // Start with the group after the one served last: round-robin across calls, not just within one.
    const start =
      this.lastGroupServed === null ? 0 : groups.findIndex((group) => group > this.lastGroupServed!);
    const ordered = start <= 0 ? groups : [...groups.slice(start), ...groups.slice(0, start)];
    const received: QueueMessage[] = [];
    const cursors = new Map(ordered.map((group) => [group, 0]));
    while (received.length < max) {
      let took = false;
      for (const group of ordered) {
        if (received.length >= max) break;
        const list = byGroup.get(group)!;
        const index = cursors.get(group)!;
        if (index >= list.length) continue;
        cursors.set(group, index + 1);
        took = true;
        const message = list[index]!;
        if (message.receiveCount >= this.options.maxReceiveCount && this.options.deadLetterQueue) {
          this.moveToDeadLetter(message);
          continue;
        }
        message.receiveCount += 1;
        message.receipt = `${message.messageId}#${message.receiveCount}`;
        message.visibleAt = now + this.options.visibilityTimeoutMs;
        this.write(message);
        received.push({ ...message });
        this.lastGroupServed = group;
      }
      if (!took) break;
    }
    return received;
  }

  /** Acknowledges a message. A stale receipt (the message was redelivered since) is ignored, as in SQS. */
  delete(receipt: string): void {
    const messageId = receipt.slice(0, receipt.lastIndexOf('#'));
    const message = this.messages.get(messageId);
    if (!message || message.receipt !== receipt) return;
    this.messages.delete(messageId);
    this.log?.append({ op: 'delete', messageId });
    this.notify();
  }

  /** Returns a received message to the queue after `seconds` (a failed record, or a Retry-After). */
  release(receipt: string, seconds: number, error?: string): void {
    const messageId = receipt.slice(0, receipt.lastIndexOf('#'));
    const message = this.messages.get(messageId);
    if (!message || message.receipt !== receipt) return;
    message.receipt = null;
    message.visibleAt = this.now() + seconds * 1000;
    if (error !== undefined) message.lastError = error;
    this.write(message);
    this.notify();
  }

  /** Messages whose visibility timeout ran out while held become receivable again (a consumer that hung). */
  expireVisibility(): void {
    const now = this.now();
    for (const message of this.messages.values()) {
      if (message.receipt !== null && message.visibleAt <= now) {
        message.receipt = null;
        this.write(message);
      }
    }
  }

  depth(): QueueDepth {
    const now = this.now();
    const depth: QueueDepth = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) {
      if (message.receipt !== null) depth.inFlight++;
      else if (message.visibleAt > now) depth.delayed++;
      else depth.visible++;
    }
    return depth;
  }

  /** Whether a message could be received now. */
  hasVisible(): boolean {
    const now = this.now();
    for (const message of this.messages.values())
      if (message.receipt === null && message.visibleAt <= now) return true;
    return false;
  }

  /** When the next message becomes visible (ms since epoch), or undefined when none is waiting. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  peekAll(): QueueMessage[] {
    return [...this.messages.values()].map((message) => ({ ...message }));
  }

  /**
   * Moves every message of this queue (a DLQ) back to `source`, as a DLQ redrive does: receive count reset,
   * error cleared, visible at once. Each message is written to the source before it is deleted here, so a
   * crash in between leaves a duplicate (which consumers discard by event id), never a loss.
   */
  redriveTo(source: LocalQueue): QueueMessage[] {
    const moved: QueueMessage[] = [];
    for (const message of [...this.messages.values()]) {
      if (message.receipt !== null) continue;
      source.adopt({ ...message, receiveCount: 0, lastError: null, receipt: null, visibleAt: this.now() });
      this.messages.delete(message.messageId);
      this.log?.append({ op: 'delete', messageId: message.messageId });
      moved.push({ ...message });
    }
    if (moved.length > 0) this.notify();
    return moved;
  }

  /** Resolves when anything is sent, deleted or released, or after `ms`. */
  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((listener) => listener !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.listeners.push(done);
    });
  }

  close(): void {
    this.log?.close();
  }

  private moveToDeadLetter(message: QueueMessage): void {
    const dlq = this.options.deadLetterQueue!;
    dlq.adopt({ ...message, receipt: null, visibleAt: this.now() });
    this.messages.delete(message.messageId);
    this.log?.append({ op: 'delete', messageId: message.messageId });
  }

  private adopt(message: QueueMessage): void {
    this.write(message);
    this.notify();
  }

  private write(message: QueueMessage): void {
    this.messages.set(message.messageId, message);
    this.log?.append({ op: 'put', message });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
