import type { SourceCredentials } from '../shared/config/tenantsFile';
import { findSource } from './registry';

/**
 * The non-secret part of each source's credentials (a ConnectWise login company and clientId, a ServiceNow
 * user name): what a tenant registry may record beside the settings so operators can tell tenants apart.
 * Fields the connector marks secret never appear.
 */
export function accountsOf(
  credentials: Record<string, SourceCredentials>,
): Record<string, SourceCredentials> {
  const accounts: Record<string, SourceCredentials> = {};
  for (const [source, values] of Object.entries(credentials)) {
    const connector = findSource(source);
    if (!connector) continue;
    const visible = Object.fromEntries(
      connector.credentialFields
        .filter((field) => !field.secret && values[field.name] !== undefined && values[field.name] !== '')
        .map((field) => [field.name, values[field.name]!]),
    );
    if (Object.keys(visible).length > 0) accounts[source] = visible;
  }
  return accounts;
}
