// The contract between the auth feature and WebSocket routes (the terminal): a WebSocket upgrade
// cannot pass through the HTTP guard, so it asks this instead. The auth module binds the real
// implementation; routes depend only on this abstract class.
import type { IncomingMessage } from 'node:http';

export type UpgradeDecision = { ok: true } | { ok: false; reason: 'auth_required' | 'origin_not_allowed' };

export abstract class UpgradeAuthenticator {
  /** Checks the credentials (Authorization header, ?ticket=, ?token=) and the Origin of an upgrade. */
  abstract authorize(req: IncomingMessage): Promise<UpgradeDecision>;
}
