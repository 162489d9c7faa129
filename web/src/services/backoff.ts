// Reconnect delays shared by the agent stream and the terminal socket: 1, 2, 4, 8, 16, 30, 30… s.
export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;

export function backoffDelay(attempt: number): number {
  return Math.min(BACKOFF_MIN_MS * 2 ** Math.max(0, attempt), BACKOFF_MAX_MS);
}
