// Tools on and off (contract V2): three families — the ten built-ins (builtin-tools.ts), the MCP
// servers' bridged tools (listed by the MCP feature through McpToolCatalog) and the tools the loaded
// extensions register, grouped by package. Allow-by-default: tool-overrides.json holds the globally
// disabled names per family and each project's tri-state overrides. Applied when a session is built.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, GrpcStatus, forgeError, type ForgeConfig } from '@pi-forge/runtime';
import { BUILTIN_TOOL_DESCRIPTIONS, BUILTIN_TOOL_NAMES } from './builtin-tools.js';
import { MCP_TOOL_CATALOG, type McpCatalogServer, type McpToolCatalog } from './mcp-tool-catalog.port.js';
import { OverridesStore } from './overrides-store.js';
import { isEmptyOverrides, overrideOf, withOverride, type ToolFamilyName, type ToolOverridesFile } from './overrides.js';
import { RESOURCE_SCANNER, type ResourceScanner } from './resource-scanner.port.js';
import type { ProjectFolder } from './resource-toggles.service.js';
import { toolEnabledIn } from './session-toggles.js';

export interface ToolView {
  name: string;
  shortName?: string;
  description: string;
  /** Effective for the project asked about (global state without one). */
  enabled: boolean;
  globalEnabled: boolean;
  projectOverride?: 'enabled' | 'disabled';
}

export interface ToolList {
  builtin: ToolView[];
  mcp: (Omit<McpCatalogServer, 'tools'> & { tools: ToolView[] })[];
  extension: { packageSource: string; tools: ToolView[] }[];
}

@Injectable()
export class ToolToggles {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(RESOURCE_SCANNER) private readonly scanner: ResourceScanner,
    @Inject(MCP_TOOL_CATALOG) private readonly mcp: McpToolCatalog,
    private readonly store: OverridesStore,
  ) {}

  async list(project?: ProjectFolder): Promise<ToolList> {
    // Without a project the extension tools are the global ones: the SDK is asked about a folder
    // with no .pi of its own (PI_CONFIG_DIR itself).
    const [doc, scan, servers] = await Promise.all([
      this.store.readTools(),
      this.scanner.scan(project?.path ?? this.config.PI_CONFIG_DIR, { extensionTools: true }),
      this.mcp.servers(project),
    ]);
    const view = (family: ToolFamilyName, t: { name: string; shortName?: string; description: string }): ToolView => {
      const override = project ? overrideOf(doc.projects[project.id]?.[family], t.name) : undefined;
      return {
        ...t,
        enabled: toolEnabledIn(doc, project?.id, family, t.name),
        globalEnabled: !doc[family].includes(t.name),
        ...(override === undefined ? {} : { projectOverride: override ? ('enabled' as const) : ('disabled' as const) }),
      };
    };
    const packages = new Map<string, ToolView[]>();
    for (const t of scan.extensionTools) {
      const list = packages.get(t.packageSource) ?? [];
      list.push(view('extension', { name: t.name, description: t.description }));
      packages.set(t.packageSource, list);
    }
    return {
      builtin: BUILTIN_TOOL_NAMES.map((name) => view('builtin', { name, description: BUILTIN_TOOL_DESCRIPTIONS[name] })),
      mcp: servers.map((s) => ({ ...s, tools: s.tools.map((t) => view('mcp', t)) })),
      extension: [...packages].map(([packageSource, tools]) => ({ packageSource, tools })),
    };
  }

  /** A global toggle, or a project override (then `projectId` is required: missing_project_id). */
  async set(family: ToolFamilyName, name: string, enabled: boolean, scope: 'global' | 'project', projectId?: string): Promise<void> {
    if (scope === 'project' && !projectId)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'missing_project_id', 'a project-scoped toggle needs a projectId');
    await this.store.updateTools((doc) => {
      if (scope === 'global') {
        const rest = doc[family].filter((n) => n !== name);
        doc[family] = enabled ? rest : [...rest, name];
      } else setProjectEntry(doc, projectId!, family, name, enabled);
    });
  }

  /** Drops a project's override (idempotent). */
  async clear(family: ToolFamilyName, name: string, projectId: string): Promise<void> {
    if (!projectId) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'missing_project_id', 'clearing an override needs a projectId');
    await this.store.updateTools((doc) => setProjectEntry(doc, projectId, family, name, undefined));
  }

  overrides(): Promise<ToolOverridesFile> {
    return this.store.readTools();
  }
}

function setProjectEntry(
  doc: ToolOverridesFile,
  projectId: string,
  family: ToolFamilyName,
  name: string,
  value: boolean | undefined,
): void {
  const current = doc.projects[projectId] ?? {
    builtin: { enable: [], disable: [] },
    mcp: { enable: [], disable: [] },
    extension: { enable: [], disable: [] },
  };
  const next = { ...current, [family]: withOverride(current[family], name, value) };
  if (isEmptyOverrides(next.builtin) && isEmptyOverrides(next.mcp) && isEmptyOverrides(next.extension)) delete doc.projects[projectId];
  else doc.projects[projectId] = next;
}
