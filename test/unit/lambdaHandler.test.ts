import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { lambdaHandler } from '../../shared/runtime/lambdaHandler';

const context = (requestId: string) =>
  ({
    functionName: 'avesa-test-fetcher',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:avesa-test-fetcher',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

describe('lambdaHandler (the middy chain of every Lambda)', () => {
  it('given two invocations, then the handler result passes through, log lines carry each request id, per-record keys are reset, and the cold start is counted once', async () => {
    // Prepare: Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE; Powertools counts a cold start only where it is set.
    const initialization = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: 'fetcher' });
    const entry = lambdaHandler(
      async (event: { records: string[] }) => {
        // Only the first invocation adds a key: the second must not carry it over.
        if (event.records[0] === 'm-1') logger.appendKeys({ tenantId: 'acme' });
        logger.info('handled');
        return { batchItemFailures: [{ itemIdentifier: event.records[0]! }] };
      },
      { serviceName: 'fetcher', logger },
    );

    try {
      // Act
      const first = await entry({ records: ['m-1'] }, context('req-1'));
      const second = await entry({ records: ['m-2'] }, context('req-2'));

      // Assess
      expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect(second).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
      const lines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{'));
      const handled = lines.map((line) => JSON.parse(line)).filter((line) => line.message === 'handled');
      expect(handled.map((line) => [line.function_request_id, line.function_name, line.tenantId])).toEqual([
        ['req-1', 'avesa-test-fetcher', 'acme'],
        ['req-2', 'avesa-test-fetcher', undefined],
      ]);
      const coldStarts = lines.filter((line) => line.includes('"ColdStart"'));
      expect(coldStarts).toHaveLength(1);
    } finally {
      write.mockRestore();
      if (initialization === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
      else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initialization;
    }
  });
});
