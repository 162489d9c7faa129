// Conversation export (docs/compatibility.md#sessions) of a live or on-disk session: reads the session file
// and its sub-agent children and hands them to the pure formatters in session-export.ts.
import { Inject, Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { GrpcStatus, LOGGER, forgeError } from '@pi-forge/runtime';
import type { LiveSession } from './live-session.js';
import { SessionFiles, sessionIdOfFile } from './session-files.js';
import { SessionRegistry } from './session-registry.js';
import { exportFileName, exportJsonl, exportMarkdown, lastModel, type ExportChild } from './session-export.js';

@Injectable()
export class SessionExporter {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly files: SessionFiles,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async export(id: string, format: string): Promise<{ content: string; fileName: string }> {
    if (format !== 'jsonl' && format !== 'markdown')
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_format', 'format must be jsonl or markdown');
    const live = await this.registry.getOrResume(id);
    const name = live.session.sessionName;
    try {
      const source = {
        sessionId: live.id,
        title: name || `Session ${live.id}`,
        projectId: live.projectId,
        projectName: basename(live.cwd),
        jsonl: await this.sessionText(live),
        branch: live.session.sessionManager.getBranch(),
        children: await this.children(live),
      };
      const model = lastModel(source.jsonl) ?? (live.session.model ? `${live.session.model.provider}/${live.session.model.id}` : undefined);
      return format === 'jsonl'
        ? { content: exportJsonl(source), fileName: exportFileName(name, live.id, 'jsonl') }
        : { content: exportMarkdown({ ...source, model }), fileName: exportFileName(name, live.id, 'md') };
    } catch (err) {
      this.logger.error({ err, sessionId: id }, 'export failed');
      throw forgeError(GrpcStatus.INTERNAL, 'export_failed', 'the session could not be exported');
    }
  }

  /** The session file as written; a session with nothing saved yet is its header and entries. */
  private async sessionText(live: LiveSession): Promise<string> {
    const file = live.session.sessionFile;
    if (file && existsSync(file)) return readFile(file, 'utf8');
    const sm = live.session.sessionManager;
    return [sm.getHeader(), ...sm.getEntries()]
      .filter(Boolean)
      .map((e) => `${JSON.stringify(e)}\n`)
      .join('');
  }

  private async children(live: LiveSession): Promise<ExportChild[]> {
    const files = (await this.files.projectFiles(live.projectId)).filter((f) => f.parentSessionId === live.id);
    const out: ExportChild[] = [];
    const summaries = await this.files.list(live.projectId);
    for (const f of files) {
      const jsonl = await readFile(f.path, 'utf8');
      const info = summaries.find((s) => s.path === f.path);
      out.push({
        sessionId: info?.sessionId ?? (await sessionIdOfFile(f.path)) ?? basename(f.path),
        name: info?.name,
        jsonl,
        path: f.path,
        runId: f.runId,
      });
    }
    return out;
  }
}
