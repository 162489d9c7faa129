// gRPC handlers of the process RPCs: check the session is live, call ProcessManager, pack the answer.
import { Controller } from '@nestjs/common';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { AgentRpc, PROCESS_LOG_STREAM, PROCESS_STATUS, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { ProcessInfo } from './process-info.js';
import { ProcessManager, processNotFound } from './process-manager.js';
import { streamProcessLog } from './process-log-stream.js';

export function processInfoMessage(p: ProcessInfo): agent.ProcessInfo {
  return {
    ...p,
    endTime: p.endTime ?? undefined,
    exitCode: p.exitCode ?? undefined,
    success: p.success ?? undefined,
    status: PROCESS_STATUS.toProto(p.status),
  };
}

@Controller()
export class ProcessesGrpcHandler implements Handles<agent.AgentServiceController, ProcessesGrpcHandler, 'readProcessLog'> {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly manager: ProcessManager,
  ) {}

  @AgentRpc.method
  listProcesses(req: agent.ListProcessesRequest): agent.ListProcessesResponse {
    return { processes: this.manager.list(this.live(req.sessionId)).map(processInfoMessage) };
  }

  @AgentRpc.method
  async startProcess(req: agent.StartProcessRequest): Promise<agent.StartProcessResponse> {
    const live = this.registry.live(req.sessionId);
    return { process: processInfoMessage(await this.manager.start(live.id, { command: req.command, name: req.name, cwd: live.cwd })) };
  }

  @AgentRpc.method
  getProcessOutput(req: agent.GetProcessOutputRequest): agent.GetProcessOutputResponse {
    const out = this.manager.output(this.live(req.sessionId), req.processId, req.tail);
    return { ...out, status: PROCESS_STATUS.toProto(out.status) };
  }

  @AgentRpc.method
  // async: a lookup failure rejects, which Nest sends as the call's error status.
  async readProcessLog(
    req: agent.ReadProcessLogRequest,
    _meta: unknown,
    call: ServerWritableStream<agent.ReadProcessLogRequest, agent.ReadProcessLogResponse>,
  ): Promise<Observable<agent.ReadProcessLogResponse>> {
    const sessionId = this.live(req.sessionId);
    const p = this.manager.find(sessionId, req.processId);
    if (!p || p.id !== req.processId) throw processNotFound();
    const file = PROCESS_LOG_STREAM.toWord(req.stream) === 'stderr' ? p.info.stderrFile : p.info.stdoutFile;
    return streamProcessLog(file, call);
  }

  @AgentRpc.method
  async killProcess(req: agent.KillProcessRequest): Promise<agent.KillProcessResponse> {
    const r = await this.manager.kill(this.live(req.sessionId), req.processId);
    return { ok: r.ok, reason: r.reason ?? '' };
  }

  @AgentRpc.method
  async clearProcesses(req: agent.ClearProcessesRequest): Promise<agent.ClearProcessesResponse> {
    return { cleared: await this.manager.clear(this.live(req.sessionId)) };
  }

  @AgentRpc.method
  async writeProcessStdin(req: agent.WriteProcessStdinRequest): Promise<agent.WriteProcessStdinResponse> {
    const r = await this.manager.write(this.live(req.sessionId), req.processId, req.input, req.end);
    return r.ok ? { ok: true, reason: '' } : { ok: false, reason: r.reason };
  }

  /** The id of a live session, or NOT_FOUND session_not_found (processes exist only for live sessions). */
  private live(sessionId: string): string {
    return this.registry.live(sessionId).id;
  }
}
