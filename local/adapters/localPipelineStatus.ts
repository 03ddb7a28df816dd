import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readPipelineStatus, type PipelineStatusSource } from '../../api/pipeline';
import type { PipelineResponse } from '../../api/contract';
import { StateView } from '../stateView';

/**
 * The pipeline page over a local state directory, read-only beside a running `avesa run` (StateView takes no
 * lock). Each read replays the state log, so answers are memoised for a moment.
 */
export class LocalPipelineStatus implements PipelineStatusSource {
  private readonly recent = new Map<string, { at: number; status: Promise<PipelineResponse> }>();

  constructor(
    private readonly stateDir: string,
    private readonly memoMs = 2000,
  ) {}

  forTenant(tenantId: string): Promise<PipelineResponse> {
    const known = this.recent.get(tenantId);
    if (known && Date.now() - known.at < this.memoMs) return known.status;
    const status = this.read(tenantId);
    this.recent.set(tenantId, { at: Date.now(), status });
    status.catch(() => this.recent.delete(tenantId));
    return status;
  }

  private async read(tenantId: string): Promise<PipelineResponse> {
    if (!existsSync(join(this.stateDir, 'state.log')))
      return { tenantId, tables: [], jobs: [], deadLetters: 0 };
    const view = new StateView(this.stateDir);
    try {
      return await readPipelineStatus(view.store, tenantId, {
        maxJobs: 20,
        deadLetters: async (tenant) => view.tenantDeadLetters(tenant),
      });
    } finally {
      view.close();
    }
  }
}
