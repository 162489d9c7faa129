// GET /api/v1/terminal (WebSocket, docs/compatibility.md#terminal-protocol): public at the HTTP gate. Before the upgrade: the
// spawn rate limit (429) and the query (400). After it: UpgradeAuthenticator (4401), the project
// lookup (4404), then a TerminalSession bridges the socket to the pty service.
import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CONFIG, LOGGER, redactUrl, type ForgeConfig } from '@pi-forge/runtime';
import { UpgradeAuthenticator } from '../auth/upgrade-authenticator.js';
import { clientIpOf } from '../common/client-ip.js';
import { PtyClient } from '../clients/pty.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { CLOSE } from './close-codes.js';
import { MAX_INPUT_FRAME_BYTES } from './client-message.js';
import { SpawnRateLimiter } from './spawn-rate-limiter.js';
import { TerminalQueryDto } from './terminal-query.dto.js';
import { TerminalSession } from './terminal-session.js';

export const TERMINAL_PATH = '/api/v1/terminal';

type VerifyCallback = (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

// Frames over 1 MiB are ignored (docs/compatibility.md#terminal-protocol); only far larger ones make ws close the socket (1009).
@WebSocketGateway({ path: TERMINAL_PATH, maxPayload: 16 * MAX_INPUT_FRAME_BYTES })
export class TerminalGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly queries = new WeakMap<IncomingMessage, TerminalQueryDto>();

  constructor(
    private readonly auth: UpgradeAuthenticator,
    private readonly workspace: WorkspaceClient,
    private readonly pty: PtyClient,
    private readonly limiter: SpawnRateLimiter,
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: WebSocketServer): void {
    // ws asks verifyClient before completing the handshake, so these are plain HTTP answers.
    server.options.verifyClient = (info: { req: IncomingMessage }, cb: VerifyCallback) => this.admit(info.req, cb);
  }

  private admit(req: IncomingMessage, cb: VerifyCallback): void {
    const ip = clientIpOf(req, this.config);
    const admission = this.auth.admit(req, ip);
    if (!admission.ok) {
      this.logger.warn({ ip, url: redactUrl(req.url ?? ''), status: admission.status }, 'terminal upgrade refused');
      return reject(cb, admission.status, admission.body, admission.headers);
    }
    const retryMs = this.limiter.take(ip);
    if (retryMs > 0) {
      this.logger.warn({ ip, url: redactUrl(req.url ?? '') }, 'terminal upgrade rate-limited');
      const seconds = Math.ceil(retryMs / 1000);
      return reject(
        cb,
        429,
        { statusCode: 429, error: 'Too Many Requests', message: `Rate limit exceeded, retry in ${seconds} seconds` },
        { 'retry-after': String(seconds) },
      );
    }
    const params = Object.fromEntries(new URL(req.url ?? '/', 'http://upgrade.invalid').searchParams);
    const query = plainToInstance(TerminalQueryDto, params);
    const errors = validateSync(query, { whitelist: true });
    if (errors.length > 0) {
      const message = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
      this.logger.info({ ip, url: redactUrl(req.url ?? ''), message }, 'terminal upgrade refused');
      return reject(cb, 400, { error: 'validation_failed', message });
    }
    this.queries.set(req, query);
    cb(true);
  }

  async handleConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const query = this.queries.get(req);
    const session = new TerminalSession(ws, {
      openStream: () => this.pty.attach(),
      closeTerminal: (projectId, tabId) => this.pty.closeTerminal({ projectId, tabId }),
      keepaliveMs: this.config.TERMINAL_WS_KEEPALIVE_MS,
      logger: this.logger,
    });
    if (!query) return session.close(CLOSE.attachFailed);
    const decision = await this.auth
      .authorize(req, clientIpOf(req, this.config))
      .catch(() => ({ ok: false as const, reason: 'auth_required' as const }));
    if (!decision.ok) return session.close(decision.reason === 'origin_not_allowed' ? CLOSE.originNotAllowed : CLOSE.authRequired);
    let cwd: string;
    try {
      const { project } = await this.workspace.getProject({ id: query.projectId });
      if (!project) return session.close(CLOSE.projectNotFound);
      cwd = project.path;
    } catch (err) {
      const code = (err as ServiceError).code;
      return session.close(
        code === GrpcStatus.NOT_FOUND || code === GrpcStatus.INVALID_ARGUMENT ? CLOSE.projectNotFound : CLOSE.workspaceUnavailable,
      );
    }
    // No tabId: a one-off shell that no later socket can find (docs/compatibility.md#terminal-protocol).
    const tabId = query.tabId ?? `srv-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    try {
      session.attach({ projectId: query.projectId, tabId, cwd });
    } catch (err) {
      // The channel is closed (the gateway is shutting down).
      this.logger.warn({ err }, 'terminal attach failed');
      session.close(CLOSE.ptyUnavailable);
    }
  }
}

function reject(cb: VerifyCallback, status: number, body: object, headers: Record<string, string> = {}): void {
  cb(false, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}
