// The contract between the auth feature and WebSocket routes (the terminal): a WebSocket upgrade
// cannot pass through the HTTP guard, so it asks this instead. The auth module binds the real
// implementation; routes depend only on this abstract class.
import type { IncomingMessage } from 'node:http';

export type UpgradeDecision = { ok: true } | { ok: false; reason: 'auth_required' | 'origin_not_allowed' };

/** Before the handshake: refused upgrades get a plain HTTP answer. */
export type UpgradeAdmission = { ok: true } | { ok: false; status: number; body: Record<string, unknown>; headers: Record<string, string> };

export abstract class UpgradeAuthenticator {
  /**
   * Before the handshake: the Host/Origin rules of an open gateway (421/403) and the failed-auth
   * throttle of the client IP (429), so a refused client never gets a socket.
   */
  abstract admit(req: IncomingMessage, ip: string): UpgradeAdmission;

  /** Checks the credentials (Authorization header, ?ticket=, ?token=) and the Origin of an upgrade. */
  abstract authorize(req: IncomingMessage, ip?: string): Promise<UpgradeDecision>;
}
