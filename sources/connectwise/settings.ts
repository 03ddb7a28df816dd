import { z } from 'zod';
import { baseUrlSchema, sourceSettingsSchema, type CredentialField } from '../../shared/sources/connector';

/** A tenant's ConnectWise settings, secrets excluded (tenants file, AWS registry item, `avesa tenants add`). */
export const connectWiseSettingsSchema = sourceSettingsSchema({
  baseUrl: baseUrlSchema.describe('e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0'),
});
export type ConnectWiseSettings = z.output<typeof connectWiseSettingsSchema>;

/** The API member's keys (reference §1.2): Basic auth `companyId+publicKey:privateKey`, plus the clientId header. */
export const connectWiseCredentialsSchema = z.strictObject({
  companyId: z.string().min(1),
  publicKey: z.string().min(1),
  privateKey: z.string().min(1),
  clientId: z.string().min(1),
});
export type ConnectWiseCredentials = z.output<typeof connectWiseCredentialsSchema>;

/** The environment variable names are the seeds' setup-service names. */
export const CONNECTWISE_CREDENTIAL_FIELDS: readonly CredentialField[] = [
  {
    name: 'companyId',
    secret: false,
    flag: 'company',
    envVariable: 'CONNECTWISE_COMPANY_ID',
    description: 'the ConnectWise login company',
  },
  {
    name: 'publicKey',
    secret: true,
    envVariable: 'CONNECTWISE_PUBLIC_KEY',
    description: "the API member's public key",
  },
  {
    name: 'privateKey',
    secret: true,
    envVariable: 'CONNECTWISE_PRIVATE_KEY',
    description: "the API member's private key",
  },
  {
    name: 'clientId',
    secret: false,
    flag: 'client-id',
    envVariable: 'CONNECTWISE_CLIENT_ID',
    description: 'the developer clientId (developer.connectwise.com)',
  },
];
