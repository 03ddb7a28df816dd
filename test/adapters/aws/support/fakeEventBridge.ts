import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';

/** Decides whether EventBridge rejects one entry: returns an ErrorCode to fail it, undefined to accept it. */
export type EntryFailure = (
  call: number,
  entry: PutEventsRequestEntry,
  indexInCall: number,
) => string | undefined;

/**
 * EventBridge PutEvents behind aws-sdk-client-mock: accepts entries (recording them as delivered) or fails
 * the ones `failure` picks, answering in the API's shape (result entries in request order).
 */
export class FakeEventBridge {
  readonly accepted: PutEventsRequestEntry[] = [];
  readonly calls: PutEventsRequestEntry[][] = [];

  constructor(private readonly failure: EntryFailure = () => undefined) {}

  client(): EventBridgeClient {
    const client = new EventBridgeClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const mock = mockClient(client);
    mock.onAnyCommand().rejects(new Error('FakeEventBridge: unsupported command'));
    mock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => this.putEvents(input));
    return client;
  }

  private putEvents(input: PutEventsCommandInput) {
    const entries = input.Entries ?? [];
    if (entries.length > 10)
      throw new Error(`FakeEventBridge: ${entries.length} entries in one call, the limit is 10`);
    const call = this.calls.push(structuredClone(entries));
    const results: PutEventsResultEntry[] = entries.map((entry, index) => {
      const errorCode = this.failure(call, entry, index);
      if (errorCode) return { ErrorCode: errorCode, ErrorMessage: `${errorCode} (fake)` };
      this.accepted.push(structuredClone(entry));
      return { EventId: `fake-${call}-${index}` };
    });
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }
}
