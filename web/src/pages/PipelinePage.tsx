import type { ReactNode } from 'react';
import { useUser } from '../api/context';
import { usePipeline } from '../api/queries';
import type { PipelineResponse } from '../api/types';
import { Alert } from '../components/Alert';
import { Badge, type Tone } from '../components/Badge';
import { Card } from '../components/Card';
import { QueryError } from '../components/QueryError';
import { Skeleton } from '../components/Skeleton';
import { Timestamp } from '../components/ui/data-table/cells';
import { Page } from '../components/ui/layout/Page';
import { formatAge, formatInteger } from '../lib/format';

type TableStatus = PipelineResponse['tables'][number]['status'];
type JobStatus = PipelineResponse['jobs'][number]['status'];

const TABLE_STATUS: Record<TableStatus, { tone: Tone; icon: string; label: string }> = {
  synced: { tone: 'good', icon: '✓', label: 'Synced' },
  planning: { tone: 'info', icon: '…', label: 'Planning' },
  fetching: { tone: 'info', icon: '↻', label: 'Fetching' },
  // Waiting for the source's daily quota: not an error, the next sync resumes it.
  paused: { tone: 'warn', icon: '⏸', label: 'Paused' },
  failed: { tone: 'bad', icon: '✕', label: 'Failed' },
};

const JOB_STATUS: Record<JobStatus, { tone: Tone; icon: string; label: string }> = {
  succeeded: { tone: 'good', icon: '✓', label: 'Succeeded' },
  running: { tone: 'info', icon: '↻', label: 'Running' },
  paused: { tone: 'warn', icon: '⏸', label: 'Paused' },
  failed: { tone: 'bad', icon: '✕', label: 'Failed' },
};

const TABLE_NAMES: Record<string, string> = {
  companies: 'Companies',
  contacts: 'Contacts',
  tickets: 'Tickets',
  time_entries: 'Time entries',
};

function StatusBadge({ status }: { status: { tone: Tone; icon: string; label: string } }) {
  return (
    <Badge tone={status.tone}>
      <span aria-hidden="true">{status.icon}</span> {status.label}
    </Badge>
  );
}

/** Whether the tenant's data is fresh: per source and table, the newest sync, its watermark and errors. */
export default function PipelinePage() {
  const user = useUser();
  const admin = user.role === 'admin';
  const pipeline = usePipeline(admin);
  if (!admin)
    return (
      <Page title="Pipeline">
        <Alert tone="info" title="Admins only">
          <p>The pipeline's status is shown to your tenant's admins.</p>
        </Alert>
      </Page>
    );
  const data = pipeline.data;
  const now = new Date();
  // Paused (a source's quota), planning and failed tables are not synced.
  const synced = data?.tables.filter((table) => table.status === 'synced').length ?? 0;
  return (
    <Page title="Pipeline" description="Is the data fresh? The newest sync of every source and table.">
      {pipeline.isError && <QueryError error={pipeline.error} what="the pipeline's status" />}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Summary label="Tables synced" loading={!data}>
          {data && (
            <>
              <data value={synced}>{formatInteger(synced)}</data> of {formatInteger(data.tables.length)}
            </>
          )}
        </Summary>
        <Summary label="Last sync started" loading={!data}>
          {data && (data.jobs[0] ? formatAge(data.jobs[0].startedAt, now) : 'never')}
        </Summary>
        <Summary label="Dead letters" loading={!data}>
          {data &&
            (data.deadLetters === null ? (
              <span className="text-base font-normal text-slate-600">not countable here (SQS)</span>
            ) : (
              <span className={data.deadLetters > 0 ? 'text-rose-700' : ''}>
                <data value={data.deadLetters}>{formatInteger(data.deadLetters)}</data>
                {data.deadLetters > 0 && (
                  <span className="text-base font-normal"> waiting: see avesa dlq list</span>
                )}
              </span>
            ))}
        </Summary>
      </div>
      <Card
        title="Tables"
        description="The newest job that synced each table, and the watermark the next one starts from."
      >
        <div role="region" aria-label="Tables" tabIndex={0} className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                {[
                  'Source',
                  'Table',
                  'Status',
                  'Records',
                  'Current rows',
                  'Quarantined',
                  'Watermark',
                  'Synced',
                  'Error',
                ].map((header) => (
                  <th key={header} scope="col" className="px-3 py-2 font-semibold whitespace-nowrap">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {!data &&
                Array.from({ length: 4 }, (_, index) => (
                  <tr key={index} className="h-10">
                    <td colSpan={9} className="px-3">
                      <Skeleton className="h-4 w-full" />
                    </td>
                  </tr>
                ))}
              {data?.tables.length === 0 && (
                <tr>
                  <td colSpan={9} className="px-3 py-8 text-center text-slate-600">
                    No sync has run for this tenant yet.
                  </td>
                </tr>
              )}
              {data?.tables.map((table) => (
                <tr
                  key={`${table.source}/${table.table}`}
                  data-table={`${table.source}/${table.table}`}
                  className="h-10 align-top"
                >
                  <td className="px-3 py-2">{table.source}</td>
                  <td className="px-3 py-2 font-medium">{TABLE_NAMES[table.table] ?? table.table}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={TABLE_STATUS[table.status]} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <data value={table.records}>{formatInteger(table.records)}</data>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {table.currentRows === null ? (
                      '—'
                    ) : (
                      <data value={table.currentRows}>{formatInteger(table.currentRows)}</data>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatInteger(table.quarantined)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {table.watermark ? (
                      <>
                        <Timestamp value={table.watermark} />
                        <span className="block text-xs text-slate-500">
                          {formatAge(table.watermark, now)}
                        </span>
                      </>
                    ) : (
                      'not yet'
                    )}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Timestamp value={table.jobStartedAt} />
                  </td>
                  <td className="max-w-xs px-3 py-2 text-rose-800">
                    {table.error ? (
                      <>
                        <span className="font-medium">{table.error.code}</span>: {table.error.message}
                      </>
                    ) : (
                      <span className="text-slate-500">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Recent jobs">
        <div role="region" aria-label="Recent jobs" tabIndex={0} className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                {['Job', 'Started', 'Finished', 'Status', 'Records', 'Failed tables'].map((header) => (
                  <th key={header} scope="col" className="px-3 py-2 font-semibold whitespace-nowrap">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data?.jobs.map((job) => (
                <tr key={job.jobId} data-job={job.jobId} className="h-10">
                  <td className="px-3 py-2 font-mono text-xs">{job.jobId}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Timestamp value={job.startedAt} />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {job.completedAt ? <Timestamp value={job.completedAt} /> : 'still running'}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={JOB_STATUS[job.status]} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <data value={job.records}>{formatInteger(job.records)}</data>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatInteger(job.failedTables)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </Page>
  );
}

function Summary({ label, loading, children }: { label: string; loading: boolean; children: ReactNode }) {
  return (
    <div className="h-24 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <p className="text-sm font-medium text-slate-600">{label}</p>
      <div className="mt-1 text-2xl font-semibold tabular-nums">
        {loading ? <Skeleton className="h-8 w-24" /> : children}
      </div>
    </div>
  );
}
