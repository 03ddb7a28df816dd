import { InvalidTenantIdError } from '../errors';

/** DESIGN §4.5: tenant ids are validated before they reach a path, a key or a metric dimension. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}

export function assertTenantId(value: string): string {
  if (!isValidTenantId(value)) throw new InvalidTenantIdError(value);
  return value;
}
