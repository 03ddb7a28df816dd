import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { lakeArea } from '../../lake/keys';
import type { ObjectStore } from '../../ports';

/** The object tag naming a lake object's area (deploy/resources.js expires raw parts by it). */
export const LAKE_AREA_TAG = 'avesa-area';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Where the lake root sits inside the bucket, e.g. `lake` or `lake/`; default: the bucket root. */
  prefix?: string;
  /** Defaults to one client per cold start, shared by every instance. */
  client?: S3Client;
}

let defaultClient: S3Client | undefined;

/** The lake in one S3 bucket, optionally under a key prefix. Keys in and out are relative to that prefix. */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly root: string;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client ?? (defaultClient ??= new S3Client({}));
    this.bucket = options.bucket;
    const trimmed = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.root = trimmed === '' ? '' : `${trimmed}/`;
  }

  /**
   * Writes (or replaces) the object at `key`, tagged `avesa-area=<area>`: keys start with the tenant id, so
   * lifecycle rules can only select an area (raw parts expire per stage) by that tag.
   */
  async put(key: string, body: Uint8Array): Promise<void> {
    const area = lakeArea(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.root + key,
        Body: body,
        ...(area ? { Tagging: new URLSearchParams({ [LAKE_AREA_TAG]: area }).toString() } : {}),
      }),
    );
  }

  /**
   * Reads the object at `key`, or undefined when there is none.
   * S3 answers a missing key with NoSuchKey only when the caller may s3:ListBucket; without that permission
   * it answers AccessDenied, which is rethrown here rather than mistaken for "absent".
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.root + key }),
      );
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if ((error as { name?: unknown }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  /** DeleteObject succeeds for a key with no object, so a retried delete is not an error. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.root + key }));
  }

  /** Every key under `prefix` (a plain string prefix, not only whole segments), sorted, relative to the lake root. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      // ListObjectsV2 returns at most 1,000 keys per page.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.root + prefix,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key.slice(this.root.length));
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return keys.sort();
  }
}
