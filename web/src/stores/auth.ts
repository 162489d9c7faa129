// Who is signed in: the JWT (kept in localStorage, as the contract's clients do), whether the server
// wants a login at all, and the forced password change. A 401 anywhere ends the session here.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from '../services/auth.api';
import { ApiError } from '../services/http';
import type { LoginResult } from '../services/api-types';
import { KEYS } from '../services/storage-keys';

export type AuthPhase = 'loading' | 'login' | 'change-password' | 'ready' | 'offline';

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(localStorage.getItem(KEYS.token));
  const expiresAt = ref<string | null>(localStorage.getItem(KEYS.tokenExpiresAt));
  const mustChangePassword = ref(localStorage.getItem(KEYS.mustChangePassword) === 'true');
  const authEnabled = ref<boolean | null>(null);
  const unreachable = ref(false);
  /** Why the user is looking at the login form (expired, signed out…). */
  const notice = ref('');
  /** A 423 login_locked answer: until when (ms) and for which lower-cased name ('' = the admin). */
  const lockout = ref<{ until: number; name: string } | null>(null);

  const phase = computed<AuthPhase>(() => {
    if (unreachable.value) return 'offline';
    if (authEnabled.value === null) return 'loading';
    if (!authEnabled.value) return 'ready';
    if (!token.value) return 'login';
    return mustChangePassword.value ? 'change-password' : 'ready';
  });

  function store(result: LoginResult): void {
    token.value = result.token;
    expiresAt.value = result.expiresAt;
    mustChangePassword.value = result.mustChangePassword;
    localStorage.setItem(KEYS.token, result.token);
    localStorage.setItem(KEYS.tokenExpiresAt, result.expiresAt);
    localStorage.setItem(KEYS.mustChangePassword, String(result.mustChangePassword));
    notice.value = '';
  }

  function signOut(message = ''): void {
    token.value = null;
    expiresAt.value = null;
    mustChangePassword.value = false;
    for (const k of [KEYS.token, KEYS.tokenExpiresAt, KEYS.mustChangePassword]) localStorage.removeItem(k);
    notice.value = message;
  }

  async function init(): Promise<void> {
    try {
      const status = await authApi.status();
      unreachable.value = false;
      authEnabled.value = status.authEnabled;
      if (expiresAt.value && Date.parse(expiresAt.value) <= Date.now()) signOut('Your session expired. Sign in again.');
    } catch (err) {
      if (err instanceof ApiError) authEnabled.value = true;
      else unreachable.value = true;
    }
  }

  async function login(password: string, username?: string): Promise<void> {
    try {
      store(await authApi.login(password, username));
      lockout.value = null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 423) {
        const until = Date.parse(String((err.body as { lockedUntil?: unknown } | undefined)?.lockedUntil ?? ''));
        if (Number.isFinite(until)) lockout.value = { until, name: username?.trim().toLowerCase() ?? '' };
      }
      throw err;
    }
  }

  /** Seconds left of the lock-out for this name (0 when none), so the form can count down. */
  function lockedSecondsFor(username: string, now = Date.now()): number {
    const l = lockout.value;
    if (!l || l.name !== username.trim().toLowerCase()) return 0;
    return Math.max(0, Math.ceil((l.until - now) / 1000));
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    store(await authApi.changePassword(currentPassword, newPassword));
  }

  /** Called by the HTTP layer on any 401: final, back to the login form. */
  function onUnauthorized(): void {
    if (authEnabled.value === false) return;
    if (token.value) signOut('Your session ended. Sign in again.');
  }

  return {
    token,
    expiresAt,
    mustChangePassword,
    authEnabled,
    notice,
    lockout,
    phase,
    init,
    login,
    lockedSecondsFor,
    changePassword,
    signOut,
    onUnauthorized,
  };
});
