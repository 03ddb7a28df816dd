import { toEmfDocuments } from '../../shared/observability/emf';

type EmfDocument = {
  _aws: {
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
  };
} & Record<string, unknown>;

describe('toEmfDocuments', () => {
  it('given points per tenant and table, then each document has the dimension sets [service] and [service, tenant], and the table as a property', () => {
    const documents = toEmfDocuments(
      [
        { name: 'RecordsFetched', unit: 'Count', value: 5, dimensions: { tenant: 'acme', table: 'tickets' } },
        { name: 'ApiCalls', unit: 'Count', value: 1, dimensions: { tenant: 'acme', table: 'tickets' } },
        {
          name: 'RecordsFetched',
          unit: 'Count',
          value: 7,
          dimensions: { tenant: 'acme', table: 'contacts' },
        },
        { name: 'JobDuration', unit: 'Milliseconds', value: 900, dimensions: { tenant: 'globex' } },
      ],
      'progress',
    ) as EmfDocument[];

    expect(documents).toHaveLength(3);
    for (const document of documents) {
      const [directive] = document._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe('Avesa');
      // No table dimension: it would multiply the billed custom metrics by the number of tables.
      expect(directive!.Dimensions.map((set) => [...set].sort())).toEqual(
        expect.arrayContaining([['service'], ['service', 'tenant']]),
      );
      expect(directive!.Dimensions).toHaveLength(2);
      expect(document.service).toBe('progress');
    }
    expect(documents.map((document) => [document.tenant, document.table ?? null])).toEqual([
      ['acme', 'tickets'],
      ['acme', 'contacts'],
      ['globex', null],
    ]);
    expect(documents[0]).toMatchObject({ RecordsFetched: 5, ApiCalls: 1 });
  });
});
