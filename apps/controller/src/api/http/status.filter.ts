import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from './express-types';
import { DomainError, isDomainError } from '@daemonledger/domain';
import { sendError } from './respond';

/**
 * Every error leaves as a Kubernetes Status, never Nest's default body:
 * DomainErrors keep their code and text; Nest's own 404 for an unknown route
 * becomes upstream's `the server could not find the requested resource`.
 */
@Catch()
export class StatusFilter implements ExceptionFilter {
  private readonly log = new Logger('API');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (isDomainError(error)) return sendError(res, error);
    if (error instanceof HttpException) {
      const code = error.getStatus();
      if (code === 404) return sendError(res, new DomainError('NotFound', 'the server could not find the requested resource'));
      if (code === 405) return sendError(res, new DomainError('MethodNotAllowed', 'the server does not allow this method on the requested resource'));
      return sendError(res, new DomainError(code === 400 ? 'BadRequest' : 'InternalError', error.message));
    }
    this.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendError(res, error);
  }
}
