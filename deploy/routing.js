// serverless.yml reads the routing table and queue settings from their one TypeScript source.
require('tsx/cjs');
const { EVENT_ROUTES, QUEUE_SETTINGS, CONSUMER_SERVICES } = require('../shared/events/routing.ts');

/** `chunk-planner` → `ChunkPlanner`: CloudFormation logical ids allow only alphanumerics. */
const logicalName = (service) =>
  service
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

/** detail-types each consumer's rule forwards, from EVENT_ROUTES. */
const detailTypesFor = (service) =>
  Object.keys(EVENT_ROUTES).filter((type) => EVENT_ROUTES[type].includes(service));

// SQS needs a visibility timeout of at least the function timeout; AWS recommends six times it for event sources:
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
const visibilityTimeoutFor = (service) => Math.min(43200, QUEUE_SETTINGS[service].timeoutSeconds * 6);

module.exports = {
  EVENT_ROUTES,
  QUEUE_SETTINGS,
  CONSUMER_SERVICES,
  logicalName,
  detailTypesFor,
  visibilityTimeoutFor,
};
