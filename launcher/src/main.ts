// `npm start` / `pi-forge`: runs the gateway and the agent, pty and workspace services as four
// OS processes with one merged pino log stream, restarts any that crash, and on SIGTERM/SIGINT
// stops them all, removes their sockets and exits.
import { fileURLToPath } from 'node:url';
import {
  childEnvironment,
  createLogger,
  ensureDataFolders,
  loadProcessConfig,
  removeServiceSocket,
  type ProcessName,
} from '@pi-forge/runtime/supervisor';
import { SupervisedProcess } from './supervised-process.js';

const t0 = performance.now();
const config = loadProcessConfig('pi-forge');
const logger = createLogger('launcher', config.LOG_LEVEL);
const root = fileURLToPath(new URL('../../../', import.meta.url));

ensureDataFolders(config, logger);

// Services first (the agent, slowest to boot, leads), the gateway last. The gateway's own boot
// overlaps theirs; it opens its port only once all three report SERVING (gateway/src/main.ts),
// so the first answer from /api/v1/health is already `ok`.
const ENTRIES: Record<ProcessName, string> = {
  agent: `${root}services/agent/dist/src/main.js`,
  workspace: `${root}services/workspace/dist/src/main.js`,
  pty: `${root}services/pty/dist/src/main.js`,
  gateway: `${root}gateway/dist/src/main.js`,
};
const children = (Object.keys(ENTRIES) as ProcessName[]).map(
  (name) => new SupervisedProcess({ name, entry: ENTRIES[name], env: childEnvironment(config, name) }, logger, process.stdout),
);

let announced = false;
for (const child of children) {
  child.onMessage = (msg) => {
    const m = msg as { type?: string; host?: string; port?: number };
    if (m?.type === 'listening' && !announced) {
      announced = true;
      void waitHealthy(m.host ?? config.HOST, m.port ?? config.PORT);
    }
  };
  child.start();
}

/** Logs `ready` once /api/v1/health says ok, so a person (and the tests) know when to begin. */
async function waitHealthy(host: string, port: number): Promise<void> {
  const h = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${h}:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await res.json()) as { status?: string };
      if (body.status === 'ok') {
        logger.info({ url, readyMs: Math.round(performance.now() - t0) }, `pi-forge ready at ${url}`);
        return;
      }
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!stopping) logger.warn({ url }, 'pi-forge did not become healthy within 30 s; see the logs above');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const started = Date.now();
  logger.info({ signal }, 'stopping pi-forge');
  // Children drain for SHUTDOWN_TIMEOUT_MS themselves; SIGKILL is the backstop just after it.
  await Promise.all(children.map((c) => c.stop(config.SHUTDOWN_TIMEOUT_MS + 200)));
  // Children remove their own sockets on a clean stop; this covers the ones that were SIGKILLed.
  for (const url of [config.AGENT_GRPC_URL, config.PTY_GRPC_URL, config.WORKSPACE_GRPC_URL]) removeServiceSocket(url);
  logger.info({ ms: Date.now() - started }, 'pi-forge stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// A parent that started us with an IPC channel (the test fixtures do) stops us by going away, even
// when it dies without a signal to us: its end of the channel closes, and we stop as on SIGTERM.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => void shutdown('parent-gone'));
}
