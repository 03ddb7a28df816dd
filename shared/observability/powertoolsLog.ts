import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../ports';

/** The Log port over a Powertools Logger: structured JSON lines that CloudWatch Logs Insights can query. */
export function powertoolsLog(serviceName: string): Log {
  const logger = new Logger({ serviceName });
  return {
    debug: (message, attributes) => logger.debug(message, attributes ?? {}),
    info: (message, attributes) => logger.info(message, attributes ?? {}),
    warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    error: (message, attributes) => logger.error(message, attributes ?? {}),
  };
}
