import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, configureHttp, http } from './http';

function respond(status: number, body?: unknown) {
  return vi.fn(
    async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  configureHttp({ getToken: () => null, onUnauthorized: () => {} });
});

describe('http', () => {
  it('builds /api/v1 URLs and drops empty query values', () => {
    expect(apiUrl('/files/read', { projectId: 'p 1', path: '/a&b', limit: 5, skip: undefined, none: null })).toBe(
      '/api/v1/files/read?projectId=p+1&path=%2Fa%26b&limit=5',
    );
  });

  it('sends the bearer token and JSON body', async () => {
    const fetchMock = respond(201, { id: 'x' });
    vi.stubGlobal('fetch', fetchMock);
    configureHttp({ getToken: () => 'tok' });
    await expect(http.post('/projects', { name: 'n', path: '/w' })).resolves.toEqual({ id: 'x' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/projects');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(init.body).toBe('{"name":"n","path":"/w"}');
  });

  it('turns the error envelope into an ApiError with code and message', async () => {
    vi.stubGlobal('fetch', respond(403, { error: 'path_not_allowed', message: 'path is outside the project root' }));
    const err = await http.get('/files/read').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'path_not_allowed', message: 'path is outside the project root' });
  });

  it('joins validation messages and falls back to the status when there is no body', async () => {
    vi.stubGlobal('fetch', respond(400, { error: 'validation_failed', message: ['name must be a string', 'path should not be empty'] }));
    await expect(http.post('/projects', {})).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'name must be a string; path should not be empty',
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('oops', { status: 502 })),
    );
    await expect(http.get('/x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('reports a 401 from an API route, but not a wrong password at login', async () => {
    const onUnauthorized = vi.fn();
    configureHttp({ onUnauthorized });
    vi.stubGlobal('fetch', respond(401, { error: 'invalid_token' }));
    await expect(http.get('/projects')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledWith('invalid_token');
    onUnauthorized.mockClear();
    vi.stubGlobal('fetch', respond(401, { error: 'invalid_password' }));
    await expect(http.post('/auth/login', { password: 'x' })).rejects.toMatchObject({ code: 'invalid_password' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('returns undefined for 204', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 204 })),
    );
    await expect(http.del('/sessions/a')).resolves.toBeUndefined();
  });
});
