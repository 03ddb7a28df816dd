import {
  AuthenticationError,
  ClientRequestError,
  MalformedResponseError,
  PermissionError,
  RateLimitedError,
  TransientServerError,
} from '../../shared/errors';
import type { RequestBudget, RequestLimits } from '../../shared/ports';
import {
  RecordArrayError,
  splitPage,
  type ReceivedRecord,
  type RecordLayout,
} from '../../shared/sources/recordArray';
import { SourceHttp, type HttpOverrides } from '../../shared/sources/sourceHttp';
import { CONNECTWISE_API_VERSION, CONNECTWISE_ENDPOINTS, type ConnectWiseTable } from './endpoints';
import type { ConnectWiseCredentials } from './settings';

export interface ConnectWiseClientOptions extends HttpOverrides {
  tenantId: string;
  baseUrl: string;
  credentials: ConnectWiseCredentials;
  limits: RequestLimits;
  budget: RequestBudget;
  /** See SourceHttpOptions: Retry-After values up to this are waited out in-process. */
  maxRateLimitWaitSeconds?: number;
  /** Wall-clock time (ms since epoch) after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
}

export interface ListOptions {
  conditions?: string;
  pageSize: number;
  /** Forward-only paging: only records with `id > afterId`, ordered by id (reference §1.5). */
  afterId?: number;
  /** Navigable paging only: forward-only cannot be combined with orderBy. */
  orderBy?: string;
  fields?: string;
}

export type RawRecord = Record<string, unknown> & { id: number };

/** What the planner and the fetcher need from a ConnectWise client (the connector's reader calls it). */
export interface ConnectWiseReader {
  /** Requests sent by this reader so far. */
  readonly apiCalls: number;
  count(table: ConnectWiseTable, conditions?: string): Promise<number>;
  listPage(table: ConnectWiseTable, options: ListOptions): Promise<RawRecord[]>;
  /** A page whose records stay the bytes the source sent (the fetcher stores them as received). */
  listReceivedPage(table: ConnectWiseTable, options: ListOptions): Promise<ReceivedRecord[]>;
}

/** A ConnectWise list page: a bare JSON array of records keyed by integer `id` (reference §1.5, §1.7). */
export const CONNECTWISE_RECORD_LAYOUT: RecordLayout = {
  envelope: [],
  idPath: ['id'],
  idType: 'integer',
  updatedAtPath: ['_info', 'lastUpdated'],
  parseUpdatedAt: (text) => {
    const stamp = new Date(text);
    return Number.isNaN(stamp.getTime()) ? null : stamp;
  },
};

/**
 * A ConnectWise Manage REST client for one tenant: Basic auth + clientId + pinned Accept version, sent
 * through the shared retry/deadline loop (SourceHttp) with the tenant's request budget.
 */
export class ConnectWiseClient implements ConnectWiseReader {
  private readonly http: SourceHttp;
  private readonly authorization: string;

  constructor(private readonly options: ConnectWiseClientOptions) {
    this.http = new SourceHttp({ ...options, source: 'connectwise' });
    const { companyId, publicKey, privateKey } = options.credentials;
    this.authorization = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;
  }

  /** Requests sent, retries included: the figure reported as API calls. */
  get apiCalls(): number {
    return this.http.apiCalls;
  }

  /** `GET {table}/count` with the same conditions as a list. */
  async count(table: ConnectWiseTable, conditions?: string): Promise<number> {
    return this.request(
      table,
      `${CONNECTWISE_ENDPOINTS[table]}/count`,
      conditions ? { conditions } : {},
      false,
      (received) => {
        const body = parseJson(received);
        const count = (body as { count?: unknown } | null)?.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
          throw new MalformedResponseError(
            `${received.where}: /count answered ${JSON.stringify(body)?.slice(0, 200)} instead of {"count": N}`,
          );
        }
        return count;
      },
    );
  }

  /** One page of a list. Validates that the body is an array of records with integer ids. */
  async listPage(table: ConnectWiseTable, options: ListOptions): Promise<RawRecord[]> {
    const { query, forwardOnly } = listQuery(options);
    return this.request(table, CONNECTWISE_ENDPOINTS[table], query, forwardOnly, (received) => {
      const body = parseJson(received);
      if (!Array.isArray(body)) {
        throw new MalformedResponseError(
          `${received.where}: expected a JSON array of records, got ${describe(body)}`,
        );
      }
      body.forEach((record, index) => {
        const id = (record as { id?: unknown } | null)?.id;
        if (typeof id !== 'number' || !Number.isInteger(id)) {
          throw new MalformedResponseError(
            `${received.where}: record #${index} of the page has no integer key id (${JSON.stringify(record)?.slice(0, 120)})`,
          );
        }
      });
      return body as RawRecord[];
    });
  }

  /**
   * One page of a list as the records' own bytes, with each id and `_info.lastUpdated` read out
   * (shared/sources/recordArray.ts). Same validation as `listPage` as far as the fetcher depends on it: an
   * array of objects with integer ids.
   */
  async listReceivedPage(table: ConnectWiseTable, options: ListOptions): Promise<ReceivedRecord[]> {
    const { query, forwardOnly } = listQuery(options);
    return this.request(table, CONNECTWISE_ENDPOINTS[table], query, forwardOnly, (received) => {
      try {
        return splitPage(received.bytes, CONNECTWISE_RECORD_LAYOUT).records;
      } catch (error) {
        if (!(error instanceof RecordArrayError)) throw error;
        throw new MalformedResponseError(
          `${received.where}: the page is not a JSON array of records: ${error.message}`,
        );
      }
    });
  }

  private request<T>(
    table: ConnectWiseTable,
    path: string,
    query: Record<string, string>,
    forwardOnly: boolean,
    parse: (received: ReceivedBody) => T,
  ): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      clientId: this.options.credentials.clientId,
      Accept: `application/vnd.connectwise.com+json; version=${CONNECTWISE_API_VERSION}`,
      'Cache-Control': 'no-cache',
    };
    if (forwardOnly) headers['pagination-type'] = 'forward-only';
    return this.http.send(
      {
        url: `${this.options.baseUrl}${path}?${new URLSearchParams(query).toString()}`,
        headers: () => headers,
        where: `tenant ${this.options.tenantId}, source connectwise, table ${table}`,
      },
      (answer, where) => parse(interpretResponse(answer.status, answer.headers, answer.bytes, where)),
    );
  }
}

/** A successful (2xx) answer's body, not yet parsed; `where` names tenant and table for error messages. */
interface ReceivedBody {
  bytes: Uint8Array;
  status: number;
  where: string;
}

function listQuery(options: ListOptions): { query: Record<string, string>; forwardOnly: boolean } {
  const query: Record<string, string> = { pageSize: String(options.pageSize) };
  if (options.conditions) query.conditions = options.conditions;
  if (options.orderBy) query.orderBy = options.orderBy;
  if (options.fields) query.fields = options.fields;
  const forwardOnly = options.afterId !== undefined;
  if (forwardOnly && options.orderBy) throw new Error('forward-only paging cannot be combined with orderBy');
  if (forwardOnly && options.afterId! > 0) query.pageId = String(options.afterId);
  return { query, forwardOnly };
}

function parseJson({ bytes, status, where }: ReceivedBody): unknown {
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError(
      `${where}: ConnectWise answered ${status} with a body that is not JSON: ${summarize(text)}`,
    );
  }
}

const utf8 = new TextDecoder();

/** Maps an HTTP answer to its body or a typed error (reference §1.9, §1.10). */
function interpretResponse(status: number, headers: Headers, bytes: Uint8Array, where: string): ReceivedBody {
  if (status < 400) return { bytes, status, where };
  const text = utf8.decode(bytes);
  if (status === 429) {
    const retryAfter = Number.parseInt(headers.get('retry-after') ?? '', 10);
    const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 30;
    throw new RateLimitedError(
      `${where}: rate limited by ConnectWise (429), retry after ${seconds} s`,
      seconds,
    );
  }
  if (status >= 500)
    throw new TransientServerError(`${where}: ConnectWise answered ${status}: ${summarize(text)}`);
  if (status === 401 || status === 404) {
    // ConnectWise cloud answers bad keys with 404 (reference §1.2); the list and count paths we call always exist.
    throw new AuthenticationError(
      `${where}: ConnectWise rejected the credentials (${status}): check companyId, publicKey and privateKey of this tenant. ${summarize(text)}`,
    );
  }
  if (status === 403) {
    throw new PermissionError(
      `${where}: ConnectWise denied access (403): the API member needs a security role that can read this table, and a clientId is required. ${summarize(text)}`,
    );
  }
  throw new ClientRequestError(`${where}: ConnectWise answered ${status}: ${summarize(text)}`, status);
}

function summarize(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: unknown };
    if (body && typeof body.message === 'string') return `${body.code ?? 'error'}: ${body.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

function describe(body: unknown): string {
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  return `${typeof body} ${JSON.stringify(body)?.slice(0, 120)}`;
}
