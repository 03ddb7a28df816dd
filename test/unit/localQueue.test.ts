import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalQueue } from '../../local/adapters/localQueue';

function queues(options: { now?: () => number; logDir?: string } = {}) {
  const dlq = new LocalQueue({
    name: 'q-dlq',
    maxReceiveCount: 99,
    visibilityTimeoutMs: 1000,
    ...(options.now ? { now: options.now } : {}),
  });
  const queue = new LocalQueue({
    name: 'q',
    maxReceiveCount: 2,
    visibilityTimeoutMs: 1000,
    deadLetterQueue: dlq,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logDir ? { logPath: join(options.logDir, 'q.log') } : {}),
  });
  return { queue, dlq };
}

describe('LocalQueue', () => {
  it('given a received message, when not deleted before the visibility timeout, then it is delivered again with a higher receive count', () => {
    let now = 1000;
    const { queue } = queues({ now: () => now });
    queue.send('a');
    const [first] = queue.receive(10);
    expect(queue.receive(10)).toEqual([]);
    now += 1001;
    queue.expireVisibility();
    const [second] = queue.receive(10);
    expect(second).toMatchObject({ body: 'a', receiveCount: 2 });
    queue.delete(first!.receipt!);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    queue.delete(second!.receipt!);
    expect(queue.nextVisibleAt()).toBeUndefined();
  });

  it('given a delayed message, when received before the delay, then nothing arrives until it passes', () => {
    let now = 0;
    const { queue } = queues({ now: () => now });
    queue.send('later', { delaySeconds: 5 });
    expect(queue.receive(1)).toEqual([]);
    expect(queue.depth().delayed).toBe(1);
    now = 5000;
    expect(queue.receive(1).map((message) => message.body)).toEqual(['later']);
  });

  it('given a message that failed maxReceiveCount times, when received again, then it moves to the DLQ', () => {
    const { queue, dlq } = queues();
    queue.send('poison');
    for (let attempt = 0; attempt < 2; attempt++) {
      const [message] = queue.receive(1);
      queue.release(message!.receipt!, 0, 'boom');
    }
    expect(queue.receive(1)).toEqual([]);
    expect(dlq.peekAll()).toEqual([
      expect.objectContaining({ body: 'poison', receiveCount: 2, lastError: 'boom' }),
    ]);
  });

  it('given one group with many messages and two small groups, when received one at a time, then groups take turns', () => {
    const { queue } = queues();
    for (let index = 0; index < 5; index++) queue.send(`big-${index}`, { groupId: 'big' });
    queue.send('small-a', { groupId: 'a' });
    queue.send('small-b', { groupId: 'b' });
    const order = Array.from({ length: 4 }, () => queue.receive(1)[0]!.body);
    expect(order.slice(0, 3).sort()).toEqual(['big-0', 'small-a', 'small-b']);
  });

  it('given a durable queue with messages in flight, when the process restarts, then undeleted messages are delivered again at once', () => {
    const logDir = mkdtempSync(join(tmpdir(), 'avesa-queue-'));
    const { queue } = queues({ logDir });
    queue.send('done');
    queue.send('held');
    queue.send('waiting');
    const [done, held] = queue.receive(2);
    queue.delete(done!.receipt!);
    expect(held!.body).toBe('held');
    queue.close();

    const { queue: restarted } = queues({ logDir });

    expect(
      restarted
        .receive(10)
        .map((message) => message.body)
        .sort(),
    ).toEqual(['held', 'waiting']);
  });

  it('given a stale receipt from an earlier delivery, when deleted, then the message stays', () => {
    let now = 0;
    const { queue } = queues({ now: () => now });
    queue.send('a');
    const [first] = queue.receive(1);
    now = 2000;
    queue.expireVisibility();
    queue.receive(1);
    queue.delete(first!.receipt!);
    expect(queue.depth().inFlight).toBe(1);
  });
});
