import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { toEmfDocuments } from '../../shared/observability/emf';
import type { MetricPoint, MetricsPublisher } from '../../shared/ports';

/** The EMF documents Lambda prints for CloudWatch, appended to a file so the terminal stays free for progress. */
export class EmfFileMetrics implements MetricsPublisher {
  constructor(
    private readonly path: string,
    private readonly serviceName = 'progress',
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  publish(points: readonly MetricPoint[]): void {
    for (const document of toEmfDocuments(points, this.serviceName))
      appendFileSync(this.path, `${JSON.stringify(document)}\n`);
  }
}
