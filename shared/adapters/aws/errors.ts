import { PipelineError } from '../../errors';

/**
 * An event whose PutEvents entry exceeds the EventBridge entry size limit. Events carry object keys and
 * counts, never records (DESIGN §3), so this is a bug in the producer: retrying cannot help.
 */
export class EventTooLargeError extends PipelineError {
  readonly retryable = false;
  readonly code = 'EventTooLarge';
  constructor(
    readonly eventId: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `Event ${eventId} is ${sizeBytes} bytes as a PutEvents entry; EventBridge accepts at most ${limitBytes}`,
    );
  }
}

/**
 * Some events were still rejected by EventBridge after the bounded retries. Retryable: event ids are
 * deterministic, so re-running the publisher only produces duplicates that consumers already discard.
 */
export class EventPublishError extends PipelineError {
  readonly retryable = true;
  readonly code = 'EventPublishFailed';
  constructor(
    message: string,
    readonly failedEventIds: string[],
  ) {
    super(message);
  }
}

/** The tenant has no credentials secret. An operator has to create it; retrying cannot help. */
export class SecretNotFoundError extends PipelineError {
  readonly retryable = false;
  readonly code = 'SecretNotFound';
  constructor(
    readonly tenantId: string,
    readonly secretName: string,
    readonly source: string,
  ) {
    super(`No ${source} credentials for tenant "${tenantId}": secret ${secretName} does not exist`);
  }
}

/**
 * The tenant's credentials secret exists but does not hold the expected JSON. The message names the
 * tenant, the secret and the offending fields, never a value read from the secret.
 */
export class MalformedSecretError extends PipelineError {
  readonly retryable = false;
  readonly code = 'SecretMalformed';
  constructor(
    readonly tenantId: string,
    readonly secretName: string,
    readonly source: string,
    problem: string,
  ) {
    super(`${source} credentials for tenant "${tenantId}" (secret ${secretName}) ${problem}`);
  }
}
