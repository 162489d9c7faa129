// pino JSON on stdout for every process, tagged with the process name so the launcher's merged
// stream (and any log collector) can tell them apart. Secrets are censored by path.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths censored in every log line; request URLs are scrubbed separately (redactUrl). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'body.password',
  'body.currentPassword',
  'body.newPassword',
  'body.apiKey',
  'body.token',
  'body.providers.*.apiKey',
  'password',
  'apiKey',
  'token',
  'ticket',
];

export function createLogger(proc: string, level = 'info'): Logger {
  // Synchronous writes to fd 1: pino's default asynchronous destination hangs process.exit()
  // in its exit-time flush once the reader of our stdout (the launcher) has died, which would
  // leave orphans. A line per syscall is cheap at our log volume.
  return pino({
    level,
    base: { proc, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  }, pino.destination({ dest: 1, sync: true }));
}

const SECRET_QUERY = /([?&](?:token|ticket|api_key|apiKey|access_token)=)[^&#]*/gi;

/** Replaces token/ticket query values in a URL or path with REDACTED. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1REDACTED');
}
