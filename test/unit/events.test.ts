import { deterministicEventId } from '../../shared/events/envelope';
import { CONSUMER_SERVICES, EVENT_ROUTES, eventTypesFor } from '../../shared/events/routing';
import { EVENT_TYPES, makeEvent, parseEvent } from '../../shared/events/schemas';

const head = {
  tenantId: 'acme',
  jobId: 'job-20260101T000000Z-abcdef',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

const aTablePlannedEvent = () =>
  makeEvent(
    'TablePlanned',
    head,
    {
      source: 'connectwise',
      table: 'tickets',
      window: { from: null, to: head.occurredAt },
      expectedRecords: 10,
      chunkCount: 1,
    },
    ['x'],
  );

describe('event contracts', () => {
  it('given the same job, tenant, kind and parts, when ids are derived twice, then they are equal, and differ when any part differs', () => {
    const id = deterministicEventId('ChunkFetched', 'job-1', 'acme', 'connectwise', 'tickets', 'c00001');
    expect(deterministicEventId('ChunkFetched', 'job-1', 'acme', 'connectwise', 'tickets', 'c00001')).toBe(
      id,
    );
    expect(
      deterministicEventId('ChunkFetched', 'job-1', 'acme', 'connectwise', 'tickets', 'c00002'),
    ).not.toBe(id);
    expect(
      deterministicEventId('ChunkFetched', 'job-1', 'beta', 'connectwise', 'tickets', 'c00001'),
    ).not.toBe(id);
    expect(deterministicEventId('ChunkFailed', 'job-1', 'acme', 'connectwise', 'tickets', 'c00001')).not.toBe(
      id,
    );
  });

  it('given a valid event, when it travels as JSON, then it parses back unchanged', () => {
    const event = aTablePlannedEvent();
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('given an event with a path-like tenant id, an unknown field or a missing field, when parsed, then it is rejected naming the field', () => {
    const event = aTablePlannedEvent();
    expect(() => parseEvent({ ...event, tenantId: '../x' })).toThrow(/tenantId/);
    expect(() => parseEvent({ ...event, data: { ...event.data, records: [{ id: 1 }] } })).toThrow(/records/);
    const { chunkCount: _omitted, ...withoutCount } = event.data;
    expect(() => parseEvent({ ...event, data: withoutCount })).toThrow(/chunkCount/);
  });

  it('given the routing table, then every event type has a route entry and every consumer receives something', () => {
    expect(Object.keys(EVENT_ROUTES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const service of CONSUMER_SERVICES) expect(eventTypesFor(service).length).toBeGreaterThan(0);
  });
});
