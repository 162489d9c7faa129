import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useAuthStore } from './auth';

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.unstubAllGlobals());

describe('auth store', () => {
  it('is ready at once when the server has auth off', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(200, { authEnabled: false, ldapEnabled: false })),
    );
    const auth = useAuthStore();
    expect(auth.phase).toBe('loading');
    await auth.init();
    expect(auth.phase).toBe('ready');
  });

  it('asks for a login, stores the token, and goes back to login on a 401', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/auth/status')
          ? json(200, { authEnabled: true, ldapEnabled: false })
          : json(200, { token: 'jwt-1', expiresAt: new Date(Date.now() + 3600e3).toISOString(), mustChangePassword: false }),
      ),
    );
    const auth = useAuthStore();
    await auth.init();
    expect(auth.phase).toBe('login');
    await auth.login('pw');
    expect(auth.phase).toBe('ready');
    expect(localStorage.getItem('pi-forge/auth-token')).toBe('jwt-1');
    auth.onUnauthorized();
    expect(auth.phase).toBe('login');
    expect(auth.notice).toMatch(/Sign in again/);
    expect(localStorage.getItem('pi-forge/auth-token')).toBeNull();
  });

  it('forces a password change when the token is restricted', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/auth/status')
          ? json(200, { authEnabled: true, ldapEnabled: false })
          : json(200, { token: 'r', expiresAt: new Date(Date.now() + 3600e3).toISOString(), mustChangePassword: true }),
      ),
    );
    const auth = useAuthStore();
    await auth.init();
    await auth.login('initial');
    expect(auth.phase).toBe('change-password');
  });

  it('drops an expired stored token, and reports an unreachable server', async () => {
    localStorage.setItem('pi-forge/auth-token', 'old');
    localStorage.setItem('pi-forge/auth-expires-at', new Date(Date.now() - 1000).toISOString());
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(200, { authEnabled: true, ldapEnabled: false })),
    );
    const auth = useAuthStore();
    await auth.init();
    expect(auth.phase).toBe('login');
    expect(auth.notice).toMatch(/expired/);
    setActivePinia(createPinia());
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('failed to fetch');
      }),
    );
    const offline = useAuthStore();
    await offline.init();
    expect(offline.phase).toBe('offline');
  });

  it('remembers a 423 lock-out and counts its seconds down, per name', async () => {
    const until = Date.now() + 90_000;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(423, {
          error: 'login_locked',
          message: 'too many failed login attempts; try again in 90 seconds',
          lockedUntil: new Date(until).toISOString(),
        }),
      ),
    );
    const auth = useAuthStore();
    await expect(auth.login('guess', ' Alice ')).rejects.toMatchObject({ code: 'login_locked' });
    expect(auth.lockedSecondsFor('alice', until - 61_500)).toBe(62);
    expect(auth.lockedSecondsFor('ALICE', until)).toBe(0);
    expect(auth.lockedSecondsFor('bob', until - 60_000)).toBe(0);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(200, { token: 't', expiresAt: new Date(Date.now() + 3600e3).toISOString(), mustChangePassword: false })),
    );
    await auth.login('right', 'alice');
    expect(auth.lockout).toBeNull();
  });
});
