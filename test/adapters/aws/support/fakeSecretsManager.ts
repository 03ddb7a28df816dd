import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  type CreateSecretCommandInput,
  type DescribeSecretCommandInput,
  type GetSecretValueCommandInput,
  type PutSecretValueCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * An in-memory Secrets Manager behind aws-sdk-client-mock with the semantics the adapters rely on: names are
 * unique (CreateSecret on an existing one throws ResourceExistsException), PutSecretValue and GetSecretValue
 * need an existing secret (ResourceNotFoundException), DescribeSecret returns metadata only. Any other
 * command rejects.
 */
export class FakeSecretsManager {
  /** Every call, by command name; inputs are kept so tests can assert what was (and was not) sent. */
  readonly calls: Array<{ command: string; input: unknown }> = [];
  private readonly secrets = new Map<string, { value: string; versions: number; tags: unknown }>();

  client(): SecretsManagerClient {
    const client = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const mock = mockClient(client);
    mock.onAnyCommand().rejects(new Error('FakeSecretsManager: unsupported command'));
    mock.on(CreateSecretCommand).callsFake((input: CreateSecretCommandInput) => {
      this.calls.push({ command: 'CreateSecret', input });
      const name = input.Name ?? '';
      if (this.secrets.has(name))
        throw new ResourceExistsException({ message: `The secret ${name} already exists.`, $metadata: {} });
      this.secrets.set(name, { value: input.SecretString ?? '', versions: 1, tags: input.Tags });
      return { Name: name, ARN: this.arn(name) };
    });
    mock.on(PutSecretValueCommand).callsFake((input: PutSecretValueCommandInput) => {
      this.calls.push({ command: 'PutSecretValue', input });
      const secret = this.existing(input.SecretId);
      secret.value = input.SecretString ?? '';
      secret.versions += 1;
      return { Name: input.SecretId, ARN: this.arn(input.SecretId ?? '') };
    });
    mock.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
      this.calls.push({ command: 'GetSecretValue', input });
      return { Name: input.SecretId, SecretString: this.existing(input.SecretId).value };
    });
    mock.on(DescribeSecretCommand).callsFake((input: DescribeSecretCommandInput) => {
      this.calls.push({ command: 'DescribeSecret', input });
      this.existing(input.SecretId);
      return { Name: input.SecretId, ARN: this.arn(input.SecretId ?? '') };
    });
    return client;
  }

  /** The stored SecretString, or undefined. */
  value(name: string): string | undefined {
    return this.secrets.get(name)?.value;
  }

  versions(name: string): number {
    return this.secrets.get(name)?.versions ?? 0;
  }

  names(): string[] {
    return [...this.secrets.keys()].sort();
  }

  private existing(name: string | undefined) {
    const secret = name === undefined ? undefined : this.secrets.get(name);
    if (!secret)
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      });
    return secret;
  }

  private arn(name: string): string {
    return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
  }
}
