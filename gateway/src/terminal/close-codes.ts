// Close codes of the terminal socket: the contract's (§4.3) plus 4403 and 4503, ours, for a
// refused Origin and for the pty or workspace service being down (docs/terminal.md).
export const CLOSE = {
  ptyExited: { code: 1000, reason: 'pty_exited' },
  authRequired: { code: 4401, reason: 'auth_required' },
  originNotAllowed: { code: 4403, reason: 'origin_not_allowed' },
  projectNotFound: { code: 4404, reason: 'project_not_found' },
  replaced: { code: 4409, reason: 'replaced_by_new_attach' },
  spawnFailed: { code: 4500, reason: 'spawn_failed' },
  attachFailed: { code: 4500, reason: 'attach_failed' },
  ptyDead: { code: 4500, reason: 'pty_dead' },
  /** The pty service cannot be reached: nothing was spawned; retry later. */
  ptyUnavailable: { code: 4503, reason: 'pty_unavailable' },
  /** The pty service died while attached: the shell died with it; reconnecting starts a new one. */
  ptyServiceLost: { code: 4503, reason: 'pty_service_lost' },
  workspaceUnavailable: { code: 4503, reason: 'workspace_unavailable' },
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** The reason the browser sends when the user closes the tab: kill the shell now. */
export const TAB_CLOSED = 'tab_closed';
