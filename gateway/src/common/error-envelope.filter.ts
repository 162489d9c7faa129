// The one place errors become HTTP: Nest HttpExceptions, gRPC errors from the services and
// anything unexpected all leave as `{error: <code>, message}` with the contract's status.
// A 404 for a browser navigation (GET, not /api, no file extension) serves the web app instead.
import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { LOGGER, parseForgeError, redactUrl } from '@pi-forge/runtime';
import type { Logger } from 'pino';
import { WebAppFiles } from '../web-app/web-app-files.js';
import { httpStatusOf } from './error-status.js';
import { RateLimitExceeded } from './rate-limit.js';

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
}

function isGrpcError(e: unknown): e is GrpcLikeError {
  return typeof e === 'object' && e !== null && typeof (e as GrpcLikeError).code === 'number' && 'details' in e && 'metadata' in e;
}

@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly webApp: WebAppFiles,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const { status, body } = this.toEnvelope(exception, req);
    if (status === 404 && this.webApp.isNavigation(req)) {
      void this.webApp.sendIndex(reply);
      return;
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toEnvelope(exception: unknown, req: FastifyRequest): { status: number; body: Record<string, unknown> } {
    // The contract keeps @fastify/rate-limit's own 429 body.
    if (exception instanceof RateLimitExceeded) return { status: 429, body: exception.getResponse() as Record<string, unknown> };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      if (
        typeof res === 'object' &&
        res !== null &&
        typeof (res as { error?: unknown }).error === 'string' &&
        /^[a-z0-9_]+$/.test((res as { error: string }).error)
      ) {
        const { statusCode: _drop, ...rest } = res as Record<string, unknown>;
        return { status, body: rest };
      }
      if (status === 404 && /^Cannot /.test(exception.message)) {
        return { status, body: { error: 'not_found', message: `Route ${req.method}:${redactUrl(req.url)} not found` } };
      }
      const message =
        typeof res === 'object' && res !== null && 'message' in res ? (res as { message: unknown }).message : exception.message;
      return {
        status,
        body: { error: STATUS_CODES[status] ?? 'error', message: Array.isArray(message) ? message.join('; ') : String(message) },
      };
    }
    if (isGrpcError(exception)) {
      const forge = parseForgeError(exception.details);
      if (forge) {
        const status = httpStatusOf(forge.error, exception.code);
        return { status, body: { error: forge.error, ...(forge.message ? { message: forge.message } : {}), ...(forge.details ?? {}) } };
      }
      if (exception.code === GrpcStatus.UNAVAILABLE) {
        return { status: 503, body: { error: 'service_unavailable', message: 'a backing service is not reachable; try again shortly' } };
      }
      if (exception.code === GrpcStatus.DEADLINE_EXCEEDED) {
        return { status: 504, body: { error: 'service_timeout', message: 'a backing service did not answer in time' } };
      }
      this.logger.error({ err: exception, url: redactUrl(req.url) }, 'unexpected service error');
      return { status: httpStatusOf(undefined, exception.code), body: { error: 'internal_error', message: 'the request failed' } };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return {
        status: fastifyStatus,
        body: { error: STATUS_CODES[fastifyStatus] ?? 'bad_request', message: String((exception as Error).message) },
      };
    }
    this.logger.error({ err: exception, url: redactUrl(req.url) }, 'unhandled error');
    return { status: 500, body: { error: 'internal_error', message: 'the request failed' } };
  }
}
