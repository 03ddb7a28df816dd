export * from './awsTenantAdmin';
export * from './dynamoDbStateStore';
export * from './dynamoDbTenantRegistry';
export * from './errors';
export * from './eventBridgeBus';
export * from './s3ObjectStore';
export * from './secretsManagerSecretStore';
export * from './sqsWorkQueue';
