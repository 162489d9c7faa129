// StreamEvents: a snapshot (or exactly the missed events for a known Last-Event-ID), then every
// live event, written straight to the grpc-js call so a subscriber that stops reading is cut off
// at a byte bound instead of growing this process.
import { Controller, Inject } from '@nestjs/common';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import type { Logger } from 'pino';
import { GrpcStatus, LOGGER } from '@pi-forge/runtime';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { LoggedEvent } from './event-log.js';
import { PendingState } from './pending-state.js';

/**
 * Unsent bytes one subscriber may hold before it is dropped. Subscribers are gateway fan-outs, not
 * browsers (those are bounded at 8 MB in the gateway), and a fast model briefly outruns HTTP/2 flow
 * control, so the bound is looser here: it only cuts a gateway that stopped reading.
 */
export const SUBSCRIBER_BUFFER_LIMIT = 64 * 1024 * 1024;

@Controller()
export class StreamGrpcHandler implements Handles<agent.AgentServiceController, StreamGrpcHandler, 'streamEvents'> {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly pending: PendingState,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @AgentRpc.method
  async streamEvents(
    req: agent.StreamEventsRequest,
    _meta: unknown,
    call: ServerWritableStream<agent.StreamEventsRequest, agent.StreamEventsResponse>,
  ): Promise<Observable<never>> {
    const live = await this.registry.getOrResume(req.sessionId);
    return new Observable<never>((subscriber) => {
      let pending = 0;
      const write = (e: { id: string; json: string }) => {
        pending += e.json.length;
        call.write({ id: e.id, eventJson: e.json }, () => (pending -= e.json.length));
      };
      // Everything from here to subscribe() runs in one tick, so no event can slip between the
      // snapshot (or replay) and the live feed.
      const missed = req.lastEventId ? live.log.since(req.lastEventId) : undefined;
      if (missed) for (const e of missed) write(e);
      else {
        const s = live.session;
        write({
          id: live.log.lastId,
          json: JSON.stringify({
            type: 'snapshot',
            sessionId: live.id,
            projectId: live.projectId,
            messages: s.messages,
            isStreaming: s.isStreaming,
            ...(s.sessionName ? { name: s.sessionName } : {}),
          }),
        });
        // Pending forge state follows the snapshot under the snapshot's id: it is state, not history.
        const onError = (source: string, err: unknown) =>
          this.logger.warn({ err, sessionId: live.id, source }, 'pending state not re-delivered');
        for (const e of this.pending.eventsFor(live, onError)) write({ id: live.log.lastId, json: JSON.stringify(e) });
      }
      if (req.catchUpOnly) {
        subscriber.complete();
        return () => {};
      }
      const unsubscribe = live.log.subscribe(
        (e: LoggedEvent) => {
          if (pending > SUBSCRIBER_BUFFER_LIMIT) {
            this.logger.warn({ sessionId: live.id }, 'stream subscriber dropped: not reading');
            unsubscribe();
            subscriber.error({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'subscriber too slow', message: 'subscriber too slow' });
            return;
          }
          write(e);
        },
        () => subscriber.complete(),
      );
      const onCancel = () => {
        unsubscribe();
        subscriber.complete();
      };
      call.once('cancelled', onCancel);
      return () => {
        unsubscribe();
        call.off('cancelled', onCancel);
      };
    });
  }
}
