import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../ports';

/** A Powertools Logger and the Log port over it: structured JSON lines that CloudWatch Logs Insights can query. */
export function powertoolsLogger(serviceName: string): { logger: Logger; log: Log } {
  const logger = new Logger({ serviceName });
  return {
    logger,
    log: {
      debug: (message, attributes) => logger.debug(message, attributes ?? {}),
      info: (message, attributes) => logger.info(message, attributes ?? {}),
      warn: (message, attributes) => logger.warn(message, attributes ?? {}),
      error: (message, attributes) => logger.error(message, attributes ?? {}),
    },
  };
}
