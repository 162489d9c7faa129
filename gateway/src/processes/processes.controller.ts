// Process routes (docs/compatibility.md#processes): the Processes panel's view of a live session's
// background processes. The processes live in the agent service; these routes only ask it.
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { PROCESS_LOG_STREAM, PROCESS_STATUS } from '@pi-forge/proto';
import type { ProcessInfo, ReadProcessLogResponse } from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { BodyLimit } from '../common/route-options.js';
import { ProcessLogQueryDto, ProcessOutputQueryDto, ProcessStdinDto, StartProcessDto, STDIN_BODY_LIMIT } from './processes.dto.js';

/** The contract's ProcessInfo: nulls, not absent fields, for what has not happened yet. */
export function processInfo(p: ProcessInfo): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    pid: p.pid,
    command: p.command,
    cwd: p.cwd,
    startTime: p.startTime,
    endTime: p.endTime ?? null,
    status: PROCESS_STATUS.toWord(p.status) ?? 'running',
    exitCode: p.exitCode ?? null,
    success: p.success ?? null,
    stdoutFile: p.stdoutFile,
    stderrFile: p.stderrFile,
    alertOnSuccess: p.alertOnSuccess,
    alertOnFailure: p.alertOnFailure,
    alertOnKill: p.alertOnKill,
  };
}

@Controller('sessions/:id/processes')
export class ProcessesController {
  constructor(private readonly agent: AgentClient) {}

  @Get()
  async list(@Param('id') id: string): Promise<{ processes: Record<string, unknown>[] }> {
    const { processes } = await this.agent.listProcesses({ sessionId: id });
    return { processes: (processes ?? []).map(processInfo) };
  }

  /** Beyond the contract (docs/compatibility.md#processes): the panel and scripts may start one too. */
  @Post()
  @HttpCode(201)
  async start(@Param('id') id: string, @Body() body: StartProcessDto): Promise<Record<string, unknown>> {
    const { process } = await this.agent.startProcess({ sessionId: id, command: body.command, name: body.name ?? '' });
    return processInfo(process!);
  }

  @Delete()
  @HttpCode(200)
  async clear(@Param('id') id: string): Promise<{ cleared: number }> {
    return { cleared: (await this.agent.clearProcesses({ sessionId: id })).cleared };
  }

  @Get(':processId/output')
  async output(
    @Param('id') id: string,
    @Param('processId') processId: string,
    @Query() query: ProcessOutputQueryDto,
  ): Promise<{ stdout: string[]; stderr: string[]; status: string }> {
    const out = await this.agent.getProcessOutput({ sessionId: id, processId, tail: query.tail ? Number(query.tail) : 200 });
    return { stdout: out.stdout ?? [], stderr: out.stderr ?? [], status: PROCESS_STATUS.toWord(out.status) ?? 'running' };
  }

  /** Streamed at the socket's pace; a lookup error still answers as JSON, before any header goes out. */
  @Get(':processId/logs/file')
  async logFile(
    @Param('id') id: string,
    @Param('processId') processId: string,
    @Query() query: ProcessLogQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const upstream = this.agent.readProcessLog({ sessionId: id, processId, stream: PROCESS_LOG_STREAM.toProto(query.stream ?? 'stdout') });
    reply.raw.once('close', () => upstream.cancel());
    const iterator = upstream[Symbol.asyncIterator]() as AsyncIterator<ReadProcessLogResponse>;
    const first = await iterator.next();
    const body = Readable.from(
      (async function* () {
        if (first.done) return;
        yield first.value.chunk;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value.chunk;
        }
      })(),
      { objectMode: false },
    );
    reply.type('text/plain; charset=utf-8');
    await reply.send(body);
  }

  @Post(':processId/kill')
  @HttpCode(200)
  async kill(@Param('id') id: string, @Param('processId') processId: string): Promise<{ ok: boolean; reason?: string }> {
    const r = await this.agent.killProcess({ sessionId: id, processId });
    return r.ok ? { ok: true } : { ok: false, reason: r.reason };
  }

  /**
   * Input for a process's stdin. Writing to a process that has ended answers 409 (the issue asks for it;
   * the contract answers 200) with the contract's `{ok:false, reason}` and the error envelope in one body.
   */
  @Post(':processId/stdin')
  @HttpCode(200)
  @BodyLimit(STDIN_BODY_LIMIT)
  async stdin(
    @Param('id') id: string,
    @Param('processId') processId: string,
    @Body() body: ProcessStdinDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const r = await this.agent.writeProcessStdin({ sessionId: id, processId, input: body.input, end: body.end ?? false });
    if (r.ok) return { ok: true };
    if (r.reason === 'process_exited') {
      void reply.status(409);
      return { ok: false, reason: r.reason, error: 'process_exited', message: 'the process has ended; its stdin is gone' };
    }
    return { ok: false, reason: r.reason };
  }
}
