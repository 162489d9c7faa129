import { http } from './http';
import type { AuthStatus, LoginResult, UiConfig } from './api-types';

export const authApi = {
  uiConfig: () => http.get<UiConfig>('/ui-config'),
  status: () => http.get<AuthStatus>('/auth/status'),
  login: (password: string, username?: string) => http.post<LoginResult>('/auth/login', username ? { username, password } : { password }),
  changePassword: (currentPassword: string, newPassword: string) =>
    http.post<LoginResult>('/auth/change-password', { currentPassword, newPassword }),
  /** A short-lived one-time ticket for WebSocket URLs, so the real token never lands in a URL or a log. */
  ticket: () => http.post<{ ticket: string }>('/auth/ticket', {}),
};
