import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { Log } from '../../shared/ports';
import { StoreUnavailableError } from '../store/unavailableEngine';

/** What a 400 says about each wrong parameter: its name (`limit`, `body.email`) and why. */
export interface ParameterIssue {
  parameter: string;
  message: string;
}

/**
 * One error body for the whole API: `{ error, message, issues? }`. A bad parameter is a 400 naming it; a server
 * fault is a 500 whose body says nothing of the internals (the log has them, with the request id).
 */
export function errorHandler(log: Log) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues: ParameterIssue[] = error.validation.map((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const where = error.validationContext === 'body' ? 'body' : '';
        const parameter = [where, path].filter(Boolean).join('.') || (where ? 'body' : 'query');
        return { parameter, message: issue.message ?? 'invalid' };
      });
      return reply.code(400).send({
        error: 'bad_request',
        message: issues.map((issue) => `${issue.parameter}: ${issue.message}`).join('; '),
        issues,
      });
    }
    if (isResponseSerializationError(error)) {
      log.error('response failed its schema', {
        requestId: request.id,
        url: request.url,
        cause: error.cause,
      });
      return reply.code(500).send({ error: 'internal', message: 'internal error' });
    }
    const status = error.statusCode ?? 500;
    if (error instanceof StoreUnavailableError) {
      log.warn('analytics store unavailable', { requestId: request.id, reason: error.message });
      return reply.code(503).send({ error: error.code, message: error.message });
    }
    if (status >= 500) {
      log.error('request failed', { requestId: request.id, url: request.url, error: error.message });
      return reply.code(status).send({ error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ error: error.code ?? 'error', message: error.message });
  };
}
