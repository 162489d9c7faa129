// One door to the REST API: `/api/v1` prefix, bearer token, JSON bodies, and the error envelope
// `{error, message}` turned into an ApiError. A 401 tells the auth store (once) that the token is gone.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  query?: Query;
  signal?: AbortSignal;
  /** Return the Response untouched (downloads, streams). */
  raw?: boolean;
}

interface HttpHooks {
  getToken: () => string | null;
  onUnauthorized: (code: string) => void;
}

let hooks: HttpHooks = { getToken: () => null, onUnauthorized: () => {} };

export function configureHttp(next: Partial<HttpHooks>): void {
  hooks = { ...hooks, ...next };
}

export const API_BASE = '/api/v1';

export function apiUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) qs.set(k, String(v));
  const s = qs.toString();
  return `${API_BASE}${path}${s ? `?${s}` : ''}`;
}

export function authHeaders(): Record<string, string> {
  const token = hooks.getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function reportUnauthorized(code: string): void {
  hooks.onUnauthorized(code);
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const b = (body ?? {}) as { error?: unknown; message?: unknown };
  const code = typeof b.error === 'string' ? b.error : `http_${res.status}`;
  const raw = Array.isArray(b.message) ? b.message.join('; ') : b.message;
  const message = typeof raw === 'string' && raw ? raw : `${res.status} ${res.statusText || code}`;
  return new ApiError(res.status, code, message, body);
}

export async function request<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders() };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(apiUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  if (!res.ok) {
    const err = await toApiError(res);
    // Login and change-password answer 401 for a wrong password: that is not a lost session.
    if (res.status === 401 && path !== '/auth/login' && path !== '/auth/change-password') hooks.onUnauthorized(err.code);
    throw err;
  }
  if (opts.raw) return res as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>(path, { query }),
  post: <T>(path: string, json?: unknown, query?: Query) => request<T>(path, { method: 'POST', json: json ?? {}, query }),
  put: <T>(path: string, json?: unknown, query?: Query) => request<T>(path, { method: 'PUT', json: json ?? {}, query }),
  patch: <T>(path: string, json?: unknown) => request<T>(path, { method: 'PATCH', json: json ?? {} }),
  del: <T>(path: string, query?: Query) => request<T>(path, { method: 'DELETE', query }),
};
