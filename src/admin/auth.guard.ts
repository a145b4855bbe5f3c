// Bearer-token auth on every route except those marked @Public() (health and metrics).
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from './errors';

export const ADMIN_TOKEN = Symbol('AdminToken');
const PUBLIC = 'fennel:public';
export const Public = () => SetMetadata(PUBLIC, true);

const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ADMIN_TOKEN) adminToken: string,
  ) {
    this.expected = digest(adminToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const header = ctx.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('unauthorized', 'Send "Authorization: Bearer <token>" with an admin token.');
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (!timingSafeEqual(digest(m[1]!), this.expected)) throw new AppError('unauthorized', 'The token is not valid.');
    return true;
  }
}
