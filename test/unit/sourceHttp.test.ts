import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import { SessionExpiredError, TransientServerError } from '../../shared/errors';
import { describeNetworkError, SourceHttp, type HttpAnswer } from '../../shared/sources/sourceHttp';

const failed = (cause: Record<string, unknown>) => Object.assign(new TypeError('fetch failed'), { cause });

function anHttp(fetch: typeof globalThis.fetch) {
  return new SourceHttp({
    tenantId: 'acme',
    source: 'example',
    limits: { requestsPerMinute: 1000, maxConcurrentRequests: 2 },
    budget: new InProcessRequestBudget(),
    fetch,
    sleep: async () => undefined,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

describe('describeNetworkError', () => {
  it.each([
    [
      failed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }),
      'connection refused (connect ECONNREFUSED 127.0.0.1:9)',
    ],
    [
      failed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND acme.example' }),
      'DNS lookup failed: no such host (getaddrinfo ENOTFOUND acme.example)',
    ],
    [
      failed({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }),
      'TLS error: the certificate has expired (certificate has expired)',
    ],
    [failed({ code: 'EWHATEVER', message: 'something odd' }), 'fetch failed: something odd'],
    [new Error('plain'), 'plain'],
  ])('given %p, then the cause is named for people', (error, expected) => {
    expect(describeNetworkError(error)).toBe(expected);
  });
});

describe('SourceHttp', () => {
  const ok: HttpAnswer = { status: 200, headers: new Headers(), bytes: new Uint8Array() };

  it('given a session that expires, when a request is sent, then the session is renewed once and the request sent again', async () => {
    const answers = [401, 200];
    const http = anHttp(async () => new Response('', { status: answers.shift()! }));
    let renewals = 0;

    const result = await http.send(
      {
        url: 'http://x.test/',
        headers: () => ({}),
        where: 'tenant acme',
        renewSession: async () => void renewals++,
      },
      (answer) => {
        if (answer.status === 401) throw new SessionExpiredError('expired');
        return answer.status;
      },
    );

    expect(result).toBe(200);
    expect(renewals).toBe(1);
    expect(http.apiCalls).toBe(2);
  });

  it('given a session that expires twice in a row, then the second expiry is the error', async () => {
    const http = anHttp(async () => new Response('', { status: 401 }));

    const sending = http.send(
      {
        url: 'http://x.test/',
        headers: () => ({}),
        where: 'tenant acme',
        renewSession: async () => undefined,
      },
      () => {
        throw new SessionExpiredError('expired again');
      },
    );

    await expect(sending).rejects.toThrow('expired again');
    expect(http.apiCalls).toBe(2);
  });

  it('given connection failures, when sent, then they are retried and the last one is a transient error naming where and why', async () => {
    const http = anHttp(async () => {
      throw failed({ code: 'ECONNRESET', message: 'socket hang up' });
    });

    const sending = http.send({ url: 'http://x.test/', headers: () => ({}), where: 'tenant acme' }, () => ok);

    await expect(sending).rejects.toThrow(TransientServerError);
    await expect(sending).rejects.toThrow(
      'tenant acme: request failed: connection reset by the server (socket hang up)',
    );
    expect(http.apiCalls).toBe(3);
  });
});
