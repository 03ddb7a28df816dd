import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { assertTenantId } from '../../shared/config/tenantId';
import { ValidationError } from '../../shared/errors';

const validTenant = (overrides: Record<string, unknown> = {}) => ({
  id: 'acme',
  name: 'Acme IT',
  services: {
    connectwise: {
      baseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
      companyId: 'acme',
      publicKey: 'pub',
      privateKey: { env: 'ACME_PRIVATE_KEY' },
      clientId: 'client-guid',
    },
  },
  ...overrides,
});

function problemsOf(document: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseTenantsFile(document, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected the document to be rejected');
}

describe('tenants file', () => {
  it('given a valid file with an env credential, when parsed, then defaults apply and the secret is resolved', () => {
    const loaded = parseTenantsFile({ tenants: [validTenant()] }, { ACME_PRIVATE_KEY: 's3cret' });
    expect(loaded.tenants).toEqual([
      {
        id: 'acme',
        name: 'Acme IT',
        enabled: true,
        services: {
          connectwise: {
            baseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
            tables: ['companies', 'contacts', 'tickets', 'time_entries'],
            requestsPerMinute: 1000,
            maxConcurrentRequests: 4,
            backfillFrom: null,
            backfillSliceDays: 30,
            deletes: { sweepEveryHours: 24 },
          },
        },
      },
    ]);
    expect(loaded.credentials.get('acme/connectwise')).toEqual({
      companyId: 'acme',
      publicKey: 'pub',
      privateKey: 's3cret',
      clientId: 'client-guid',
    });
    expect(JSON.stringify(loaded.tenants)).not.toContain('s3cret');
  });

  it.each(['../x', 'A B', 'Acme', '-acme', '', 'a'.repeat(64)])(
    'given tenant id %j, when parsed, then it is rejected naming the id rule',
    (id) => {
      const problems = problemsOf({ tenants: [validTenant({ id })] }, { ACME_PRIVATE_KEY: 'k' });
      expect(problems.join('\n')).toMatch(/\^\[a-z0-9\]\[a-z0-9-\]\{0,62\}\$/);
      expect(() => assertTenantId(id)).toThrow(/Invalid tenant id/);
    },
  );

  it('given several mistakes, when parsed, then every problem is listed at once with its tenant and field', () => {
    const problems = problemsOf({
      tenants: [
        validTenant({ colour: 'blue' }),
        validTenant({
          id: 'beta',
          services: {
            connectwise: {
              ...validTenant().services.connectwise,
              baseUrl: 'not a url',
              tables: ['tickets', 'invoices'],
            },
          },
        }),
      ],
    });
    const text = problems.join('\n');
    expect(text).toContain('tenant "acme"');
    expect(text).toMatch(/colour/);
    expect(text).toMatch(/tenant "beta": services\.connectwise\.baseUrl/);
    expect(text).toMatch(/tenant "beta": services\.connectwise\.tables\.1/);
  });

  it('given a credential from a missing environment variable, when parsed, then the tenant, field and variable are named', () => {
    const problems = problemsOf({ tenants: [validTenant()] }, {});
    expect(problems).toEqual([
      'tenant "acme": services.connectwise.privateKey names environment variable ACME_PRIVATE_KEY, which is not set',
    ]);
  });

  it('given the same id twice, when parsed, then it is rejected', () => {
    expect(problemsOf({ tenants: [validTenant(), validTenant()] }, { ACME_PRIVATE_KEY: 'k' })).toEqual([
      'tenant "acme": the id is used more than once',
    ]);
  });
});
