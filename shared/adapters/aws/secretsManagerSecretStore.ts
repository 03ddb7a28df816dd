import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { findSource } from '../../../sources/registry';
import { assertTenantId } from '../../config/tenantId';
import type { SourceCredentials } from '../../config/tenantsFile';
import { ValidationError } from '../../errors';
import type { SecretStore } from '../../ports';
import { MalformedSecretError, SecretNotFoundError } from './errors';

/** The connector of a source named in a secret's path; an unknown source is a configuration error. */
function connectorOf(source: string) {
  const connector = findSource(source);
  if (!connector) throw new ValidationError(`unknown source ${JSON.stringify(source)}`);
  return connector;
}

export interface SecretsManagerSecretStoreOptions {
  /** Secret names are `${prefix}/${tenantId}/${source}`, e.g. prefix `avesa/prod`. */
  prefix: string;
  /** Defaults to one client per cold start, shared by every instance. */
  client?: SecretsManagerClient;
}

let defaultClient: SecretsManagerClient | undefined;

/** Tenant credentials in AWS Secrets Manager, one secret per tenant and source. */
export class SecretsManagerSecretStore implements SecretStore {
  private readonly client: SecretsManagerClient;
  private readonly prefix: string;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.client = options.client ?? (defaultClient ??= new SecretsManagerClient({}));
    this.prefix = options.prefix.replace(/\/+$/, '');
  }

  /** The secret that holds a tenant's credentials for one source: `{prefix}/{tenant}/{source}`. */
  secretName(tenantId: string, source: string): string {
    connectorOf(source);
    return `${this.prefix}/${assertTenantId(tenantId)}/${source}`;
  }

  /**
   * Reads the tenant's credentials for a source and validates them with the source's credentials schema.
   * Throws SecretNotFoundError or MalformedSecretError naming tenant and source; no error message or cause
   * ever carries a secret value.
   */
  async sourceCredentials(tenantId: string, source: string): Promise<SourceCredentials> {
    const secretName = this.secretName(tenantId, source);
    let secretString: string | undefined;
    try {
      secretString = (await this.client.send(new GetSecretValueCommand({ SecretId: secretName })))
        .SecretString;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') {
        throw new SecretNotFoundError(tenantId, secretName, source);
      }
      throw error;
    }
    if (secretString === undefined)
      throw new MalformedSecretError(tenantId, secretName, source, 'is not a JSON string');
    let document: unknown;
    try {
      document = JSON.parse(secretString);
    } catch {
      // The SyntaxError is dropped on purpose: its message quotes the text around the error, i.e. the secret.
      throw new MalformedSecretError(tenantId, secretName, source, 'is not valid JSON');
    }
    const connector = connectorOf(source);
    const fieldNames = connector.credentialFields.map((field) => field.name).join(', ');
    if (document === null || typeof document !== 'object' || Array.isArray(document))
      throw new MalformedSecretError(
        tenantId,
        secretName,
        source,
        `must be a JSON object with non-empty string fields ${fieldNames}; wrong or missing: (document)`,
      );
    // Extra fields are ignored: only the connector's credential fields are read.
    const fields = Object.fromEntries(
      connector.credentialFields
        .filter((field) => field.name in document)
        .map((field) => [field.name, (document as Record<string, unknown>)[field.name]]),
    );
    const parsed = connector.credentialsSchema.safeParse(fields);
    if (!parsed.success) {
      // Only paths are reported: zod messages may describe the received value.
      const wrong = [
        ...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(document)')),
      ];
      throw new MalformedSecretError(
        tenantId,
        secretName,
        source,
        `must be a JSON object with non-empty string fields ${fieldNames}; wrong or missing: ${wrong.join(', ')}`,
      );
    }
    return parsed.data;
  }

  /**
   * Creates the tenant's secret for a source, or stores the credentials as its new version when it exists
   * (the operator's `avesa tenants add`). Returns whether the secret is new. The credentials travel only in
   * the SecretString; nothing here puts them in a message.
   */
  async putSourceCredentials(
    tenantId: string,
    source: string,
    credentials: SourceCredentials,
  ): Promise<{ created: boolean }> {
    const secretName = this.secretName(tenantId, source);
    const connector = connectorOf(source);
    const parsed = connector.credentialsSchema.safeParse(credentials);
    if (!parsed.success)
      throw new ValidationError(
        `${connector.label} credentials of tenant "${tenantId}" are incomplete`,
        [
          ...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(credentials)')),
        ].map((field) => `${field}: must be a non-empty string`),
      );
    const secretString = JSON.stringify(parsed.data);
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: secretName,
          Description: `${connector.label} API credentials of tenant ${tenantId} (avesa tenants add)`,
          SecretString: secretString,
          Tags: [
            { Key: 'avesa:tenant', Value: tenantId },
            { Key: 'avesa:source', Value: source },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ResourceExistsException') throw error;
    }
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html: the new version
    // becomes AWSCURRENT. A secret scheduled for deletion rejects it with InvalidRequestException.
    await this.client.send(new PutSecretValueCommand({ SecretId: secretName, SecretString: secretString }));
    return { created: false };
  }

  /** Whether the tenant's secret for a source exists (and is not scheduled for deletion), without reading it. */
  async hasSourceCredentials(tenantId: string, source: string): Promise<boolean> {
    try {
      const description = await this.client.send(
        new DescribeSecretCommand({ SecretId: this.secretName(tenantId, source) }),
      );
      return description.DeletedDate === undefined;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }
}
