import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** What the error handler learnt about a request that failed, for its one log line. */
const failures = new WeakMap<FastifyRequest, { code: string; err?: unknown }>();

export function noteFailure(request: FastifyRequest, code: string, err?: unknown): void {
  failures.set(request, { code, err });
}

/**
 * One log line per request, written when the answer has left. Fastify's own controller writes
 * one line in and one out (and the error handler a third), which doubles the volume and splits
 * what an operator needs (method, address, status, time, error code) over several lines.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const failure = failures.get(request);
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(failure ? { code: failure.code } : {}),
    };
    const msg = `${request.method} ${request.url} ${reply.statusCode}`;
    const err = error ?? failure?.err;
    if (err || reply.statusCode >= 500) reply.log.error({ ...line, err }, msg);
    else reply.log.info(line, msg);
  }
}

export const requestLogOptions = { logController: new OneLinePerRequest() };
