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
  return pino(
    {
      level,
      base: { proc, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Query parameters whose values are credentials, compared after percent-decoding and lower-casing. */
const SECRET_PARAMS = new Set(['token', 'ticket', 'api_key', 'apikey', 'access_token']);

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * Replaces credential query values in a URL or path with REDACTED. Names are compared decoded, as the
 * query parser sees them: `?%74oken=` is `?token=` to the server, so it is redacted too.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    return eq >= 0 && SECRET_PARAMS.has(decodedName(name)) ? `${name}=REDACTED` : pair;
  });
  return `${url.slice(0, q + 1)}${redacted.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}
