// One graceful shutdown path per process: SIGTERM, SIGINT, or the launcher going away (its IPC
// pipe closes) all run the registered steps once, under a deadline, then exit.
import type { Logger } from 'pino';

type Step = () => Promise<void> | void;

let steps: Step[] = [];
let started = false;
let installed = false;

export function onShutdown(step: Step): void {
  steps.push(step);
}

export function installShutdownHandlers(logger: Logger, timeoutMs: number): void {
  if (installed) return;
  installed = true;
  const run = (reason: string) => {
    // A repeated signal (Ctrl-C reaching the whole process group, then the launcher's SIGTERM)
    // changes nothing: the deadline below already bounds the shutdown.
    if (started) {
      logger.debug({ reason }, 'already shutting down');
      return;
    }
    started = true;
    const t0 = Date.now();
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown deadline passed, forcing exit');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    // Fire and forget: a signal handler cannot wait; each step's failure is caught and logged.
    void (async () => {
      // Reverse order: the last thing started stops first.
      for (const step of [...steps].reverse()) {
        try {
          await step();
        } catch (err) {
          logger.error({ err }, 'shutdown step failed');
        }
      }
      logger.info({ ms: Date.now() - t0 }, 'stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => run('SIGTERM'));
  process.on('SIGINT', () => run('SIGINT'));
  // Started by the launcher with an IPC channel: if the launcher dies, so do we (no orphans).
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => run('launcher gone'));
  }
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.error({ err }, 'unhandled promise rejection');
  });
}

/** For tests that load several apps in one process. */
export function resetShutdownStepsForTests(): void {
  steps = [];
}
