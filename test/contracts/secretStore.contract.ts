import type { ConnectWiseCredentials } from '../../sources/connectwise/settings';
import type { SecretStore } from '../../shared/ports';

export interface SecretStoreFixture {
  secrets: SecretStore;
  /** Releases what the factory created. */
  cleanup(): Promise<void>;
}

export function someCredentials(tenantId: string): ConnectWiseCredentials {
  return {
    companyId: `${tenantId}-company`,
    publicKey: `pub-${tenantId}-7f3a`,
    privateKey: `priv-${tenantId}-SECRET-9c1e`,
    clientId: '00000000-0000-4000-8000-000000000001',
  };
}

/**
 * The behaviour every SecretStore adapter must have. `makeSecrets` is called before every test with the
 * ConnectWise credentials the store must hold, by tenant id.
 */
export function secretStoreContract(
  name: string,
  makeSecrets: (credentials: ReadonlyMap<string, ConnectWiseCredentials>) => Promise<SecretStoreFixture>,
): void {
  describe(`SecretStore contract: ${name}`, () => {
    let fixture: SecretStoreFixture | undefined;

    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it("given credentials for several tenants, when one tenant's are read, then exactly its credentials come back", async () => {
      fixture = await makeSecrets(
        new Map([
          ['acme', someCredentials('acme')],
          ['globex', someCredentials('globex')],
        ]),
      );

      const credentials = await fixture.secrets.sourceCredentials('globex', 'connectwise');

      expect(credentials).toEqual(someCredentials('globex'));
    });

    it('given no credentials for a tenant, when they are read, then the error names the tenant and no secret value', async () => {
      const acme = someCredentials('acme');
      fixture = await makeSecrets(new Map([['acme', acme]]));

      const error = await fixture.secrets.sourceCredentials('globex', 'connectwise').then(
        () => undefined,
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain('globex');
      expect(message).not.toContain(acme.privateKey);
    });
  });
}
