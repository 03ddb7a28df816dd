import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type GetSecretValueCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { MalformedSecretError, SecretNotFoundError } from '../../../shared/adapters/aws/errors';
import { SecretsManagerSecretStore } from '../../../shared/adapters/aws/secretsManagerSecretStore';
import { InvalidTenantIdError } from '../../../shared/errors';
import { secretStoreContract, someCredentials } from '../../contracts/secretStore.contract';

const PREFIX = 'avesa/prod';

/** A secret store over a fake Secrets Manager holding `secrets` (secret name → SecretString or binary). */
function aSecretStore(secrets: Record<string, string | Uint8Array>) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  mock.on(GetSecretValueCommand).callsFake(({ SecretId }: GetSecretValueCommandInput) => {
    const secret = SecretId === undefined ? undefined : secrets[SecretId];
    if (secret === undefined) {
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      });
    }
    return typeof secret === 'string'
      ? { Name: SecretId, SecretString: secret }
      : { Name: SecretId, SecretBinary: secret };
  });
  return { mock, secrets: new SecretsManagerSecretStore({ prefix: `${PREFIX}/`, client }) };
}

/** Settles `promise` and returns what it rejected with. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

secretStoreContract(
  'SecretsManagerSecretStore on a fake Secrets Manager (aws-sdk-client-mock)',
  async (credentials) => {
    const secrets = Object.fromEntries(
      [...credentials].map(([tenantId, value]) => [
        `${PREFIX}/${tenantId}/connectwise`,
        JSON.stringify(value),
      ]),
    );
    return { secrets: aSecretStore(secrets).secrets, cleanup: async () => {} };
  },
);

describe('SecretsManagerSecretStore', () => {
  it('given a secret with extra fields, when read, then it is looked up by the tenant name and only the credentials come back', async () => {
    const { mock, secrets } = aSecretStore({
      'avesa/prod/acme/connectwise': JSON.stringify({ ...someCredentials('acme'), note: 'rotated 2025-01' }),
    });

    const credentials = await secrets.sourceCredentials('acme', 'connectwise');

    expect(credentials).toEqual(someCredentials('acme'));
    expect(mock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'avesa/prod/acme/connectwise',
    });
  });

  it('given no secret for the tenant, when read, then SecretNotFoundError names the tenant and the secret', async () => {
    const { secrets } = aSecretStore({});

    const error = await rejectionOf(secrets.sourceCredentials('acme', 'connectwise'));

    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error.message).toBe(
      'No connectwise credentials for tenant "acme": secret avesa/prod/acme/connectwise does not exist',
    );
  });

  it('given a secret that is not JSON, when read, then the error names the tenant and does not echo the secret', async () => {
    const raw = 'companyId=acme privateKey=priv-acme-SECRET-9c1e';
    const { secrets } = aSecretStore({ 'avesa/prod/acme/connectwise': raw });

    const error = await rejectionOf(secrets.sourceCredentials('acme', 'connectwise'));

    expect(error).toBeInstanceOf(MalformedSecretError);
    expect(error.message).toContain('tenant "acme"');
    expect(error.message).toContain('is not valid JSON');
    expect(error.message).not.toContain('priv-acme');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('priv-acme');
  });

  it('given a secret missing a field and with a wrongly typed one, when read, then the error names the fields but no value', async () => {
    const { privateKey, ...withoutPrivateKey } = someCredentials('acme');
    const { secrets } = aSecretStore({
      'avesa/prod/acme/connectwise': JSON.stringify({
        ...withoutPrivateKey,
        clientId: 12345678,
        leaked: privateKey,
      }),
    });

    const error = await rejectionOf(secrets.sourceCredentials('acme', 'connectwise'));

    expect(error).toBeInstanceOf(MalformedSecretError);
    expect(error.message).toContain('tenant "acme"');
    expect(error.message).toMatch(/wrong or missing: privateKey, clientId$/);
    for (const value of [privateKey, withoutPrivateKey.publicKey, withoutPrivateKey.companyId, '12345678']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('given a secret whose JSON is not an object, when read, then the error says so without the value', async () => {
    const { secrets } = aSecretStore({ 'avesa/prod/acme/connectwise': '"priv-acme-SECRET-9c1e"' });

    const error = await rejectionOf(secrets.sourceCredentials('acme', 'connectwise'));

    expect(error).toBeInstanceOf(MalformedSecretError);
    expect(error.message).toContain('(document)');
    expect(error.message).not.toContain('priv-acme');
  });

  it('given a binary secret, when read, then the error says it is not a JSON string', async () => {
    const { secrets } = aSecretStore({ 'avesa/prod/acme/connectwise': Uint8Array.of(1, 2, 3) });

    await expect(secrets.sourceCredentials('acme', 'connectwise')).rejects.toThrow(
      /tenant "acme".*is not a JSON string/,
    );
  });

  it('given a tenant id that is not a slug, when read, then it is rejected before any call', async () => {
    const { mock, secrets } = aSecretStore({});

    await expect(secrets.sourceCredentials('acme/../globex', 'connectwise')).rejects.toThrow(
      InvalidTenantIdError,
    );
    expect(mock.commandCalls(GetSecretValueCommand)).toEqual([]);
  });
});
