// Every error leaves the API as JSON { code, message } with a stable code.
import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppError, type ErrorCode } from './errors';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof AppError) {
      res
        .status(STATUS[err.code])
        .json({ code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      let message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      if (Array.isArray(message)) message = message.join('; ');
      if (status === 413) message = `The upload is larger than the limit (FENNEL_MAX_UPLOAD_BYTES).`;
      res
        .status(status)
        .json({ code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error'), message: String(message) });
      return;
    }
    if (err instanceof SyntaxError && 'body' in err) {
      res.status(400).json({ code: 'bad_request', message: `The request body is not valid JSON: ${err.message}` });
      return;
    }
    this.log.error({ err }, 'unhandled error');
    res
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ code: 'internal', message: 'Internal error; see the server log.' });
  }
}
