import { ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectStore } from '../../../shared/adapters/aws/s3ObjectStore';
import { objectStoreContract } from '../../contracts/objectStore.contract';
import { startFauxqs, type Fauxqs } from './support/fauxqs';

let fauxqs: Fauxqs;
let s3: S3Client;
let buckets = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs();
  s3 = new S3Client({ ...fauxqs.clientConfig, forcePathStyle: true });
});

afterAll(async () => {
  s3?.destroy();
  await fauxqs?.stop();
});

/** A fresh bucket on fauxqs per store, so tests never see each other's objects. */
async function aStoreOnFauxqs(prefix?: string): Promise<{ store: S3ObjectStore; bucket: string }> {
  const bucket = `lake-${++buckets}`;
  await fauxqs.createBucket(bucket);
  return { store: new S3ObjectStore({ bucket, prefix, client: s3 }), bucket };
}

objectStoreContract('S3ObjectStore on fauxqs, bucket root', async () => ({
  store: (await aStoreOnFauxqs()).store,
  cleanup: async () => {},
}));

objectStoreContract('S3ObjectStore on fauxqs, under a key prefix', async () => ({
  store: (await aStoreOnFauxqs('lake/prod')).store,
  cleanup: async () => {},
}));

describe('S3ObjectStore', () => {
  it('given a key prefix, when objects are put, then they sit under the prefix in the bucket and list relative to it', async () => {
    // Prepare
    const { store, bucket } = await aStoreOnFauxqs('/lake/prod/');
    const outsider = new S3ObjectStore({ bucket, client: s3 });
    await outsider.put('acme/outside.bin', Uint8Array.of(9));

    // Act
    await store.put('acme/raw/a.parquet', Uint8Array.of(1));

    // Assess
    expect(await outsider.list('')).toEqual(['acme/outside.bin', 'lake/prod/acme/raw/a.parquet']);
    expect(await store.list('')).toEqual(['acme/raw/a.parquet']);
    expect(await store.get('acme/outside.bin')).toBeUndefined();
  });

  it('given a lake key, when put, then the object is tagged with its area so lifecycle rules can select raw parts', async () => {
    // Prepare
    const client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const mock = mockClient(client);
    mock.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore({ bucket: 'lake', client });

    // Act
    await store.put(
      'acme/raw/connectwise/tickets/date=2026-01-15/job/c0-0000000001.parquet',
      Uint8Array.of(1),
    );
    await store.put('acme/canonical/tickets/history.parquet', Uint8Array.of(2));
    await store.put('outside-the-layout.bin', Uint8Array.of(3));

    // Assess
    expect(mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Tagging)).toEqual([
      'avesa-area=raw',
      'avesa-area=canonical',
      undefined,
    ]);
  });

  it('given more keys than one ListObjectsV2 page, when listed, then every page is followed and keys come back sorted', async () => {
    // Prepare
    const client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const mock = mockClient(client);
    mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({
        Contents: [{ Key: 'lake/acme/b' }, { Key: 'lake/acme/d' }],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves({ Contents: [{ Key: 'lake/acme/a' }, { Key: 'lake/acme/c' }], IsTruncated: false });
    const store = new S3ObjectStore({ bucket: 'lake-bucket', prefix: 'lake', client });

    // Act
    const keys = await store.list('acme/');

    // Assess
    expect(keys).toEqual(['acme/a', 'acme/b', 'acme/c', 'acme/d']);
    expect(mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'lake-bucket', Prefix: 'lake/acme/', ContinuationToken: undefined },
      { Bucket: 'lake-bucket', Prefix: 'lake/acme/', ContinuationToken: 't1' },
    ]);
  });

  it('given S3 denies the read, when an object is read, then the error is raised rather than reported as absent', async () => {
    // Prepare
    const client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    mockClient(client)
      .onAnyCommand()
      .rejects(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        }),
      );
    const store = new S3ObjectStore({ bucket: 'lake-bucket', client });

    // Act / Assess
    await expect(store.get('acme/a.parquet')).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
