import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint } from '../ports';

export const METRICS_NAMESPACE = 'Avesa';

/**
 * Powertools EMF documents for a set of points: one document per dimension set (tenant, table), because
 * an EMF document carries one set of dimensions for all of its metrics.
 */
export function toEmfDocuments(points: readonly MetricPoint[], serviceName: string): unknown[] {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(point.dimensions);
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  return [...groups.values()].map((group) => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
    for (const [name, value] of Object.entries(group[0]!.dimensions))
      if (value) metrics.addDimension(name, value);
    for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
    return metrics.serializeMetrics();
  });
}
