import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint, MetricsPublisher } from '../../shared/ports';

export const METRICS_NAMESPACE = 'Avesa';

/**
 * Powertools metrics in Embedded Metric Format, the same documents Lambda prints to CloudWatch,
 * appended to a file instead of stdout so a local run can be inspected without noise on the terminal.
 */
export class EmfFileMetrics implements MetricsPublisher {
  constructor(
    private readonly path: string,
    private readonly serviceName = 'progress',
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  publish(points: readonly MetricPoint[]): void {
    const groups = new Map<string, MetricPoint[]>();
    for (const point of points) {
      const key = JSON.stringify(point.dimensions);
      groups.set(key, [...(groups.get(key) ?? []), point]);
    }
    for (const group of groups.values()) {
      const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: this.serviceName });
      for (const [name, value] of Object.entries(group[0]!.dimensions)) if (value) metrics.addDimension(name, value);
      for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
      appendFileSync(this.path, `${JSON.stringify(metrics.serializeMetrics())}\n`);
    }
  }
}
