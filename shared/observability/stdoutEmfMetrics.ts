import type { MetricPoint, MetricsPublisher } from '../ports';
import { toEmfDocuments } from './emf';

/** In Lambda, an EMF document written to stdout becomes CloudWatch metrics with no API call. */
export class StdoutEmfMetrics implements MetricsPublisher {
  constructor(private readonly serviceName: string) {}

  publish(points: readonly MetricPoint[]): void {
    for (const document of toEmfDocuments(points, this.serviceName))
      process.stdout.write(`${JSON.stringify(document)}\n`);
  }
}
