// How a terminal WebSocket upgrade ends, for tests that attack the upgrade from outside.
import { WebSocket } from 'ws';

export interface UpgradeOutcome {
  status?: number;
  code?: number;
  reason?: string;
}

/** An HTTP status when refused before the handshake, or the close code and reason after it. */
export function terminalUpgradeOutcome(url: string, headers: Record<string, string>): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no outcome within 10 s'));
    }, 10_000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    ws.on('error', () => {});
  });
}
