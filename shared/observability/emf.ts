import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint } from '../ports';

export const METRICS_NAMESPACE = 'Avesa';

/**
 * Powertools EMF documents for a set of points, one per (tenant, source, table), since an EMF document carries one
 * set of values for all of its metrics.
 *
 * CloudWatch dimensions: `[service]` (fleet totals, what an alarm watches) and `[service, tenant]`. The source
 * and table travel in the document as a property (Logs Insights can filter and group by it), not as a dimension:
 * every distinct dimension combination is a custom metric billed per month, and tenant × table made about
 * 33 metrics per tenant ($10 a month each at hundreds of tenants); per tenant it is 9.
 */
export function toEmfDocuments(points: readonly MetricPoint[], serviceName: string): unknown[] {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(point.dimensions);
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  return [...groups.values()].map((group) => {
    const { tenant, source, table, service } = group[0]!.dimensions;
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service ?? serviceName });
    if (tenant) metrics.addDimension('tenant', tenant); // [service, tenant]
    metrics.addDimensions({}); // and [service] alone: a dimension set holds the default (service) dimension
    if (source) metrics.addMetadata('source', source);
    if (table) metrics.addMetadata('table', table);
    for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
    return metrics.serializeMetrics();
  });
}
