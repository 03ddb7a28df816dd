import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readClickHouseSecret } from '../../../shared/adapters/aws/clickHouseSecret';
import { ValidationError } from '../../../shared/errors';

function aClient(secretString: string) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  mockClient(client)
    .on(GetSecretValueCommand, { SecretId: 'avesa/prod/clickhouse' })
    .resolves({ SecretString: secretString });
  return client;
}

describe('readClickHouseSecret', () => {
  it('given the stage secret with a password and lake keys, then all three', async () => {
    const secret = { password: 'p4ss', lakeAccessKeyId: 'AKIA…', lakeSecretAccessKey: 's3cr3t' };
    await expect(
      readClickHouseSecret({ secretId: 'avesa/prod/clickhouse', client: aClient(JSON.stringify(secret)) }),
    ).resolves.toEqual(secret);
  });

  it.each([
    ['not JSON', '{"password": "p4ss'],
    ['no password', '{"lakeAccessKeyId": "a", "lakeSecretAccessKey": "b"}'],
    ['one lake key without the other', '{"password": "p4ss", "lakeAccessKeyId": "a"}'],
  ])(
    'given a secret with %s, then a ValidationError naming the secret and never a value',
    async (_what, text) => {
      const error = await readClickHouseSecret({
        secretId: 'avesa/prod/clickhouse',
        client: aClient(text),
      }).then(
        () => new Error('expected a rejection'),
        (caught: unknown) => caught as Error,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain('avesa/prod/clickhouse');
      expect(error.message).not.toContain('p4ss');
    },
  );
});
