// The ResourceScanner over the SDK: a throwaway DefaultResourceLoader built like a session's
// (pi-sdk-adapter.ts: same settings, same packages and extensions, pi-subagents left out in
// sandbox mode) but with the name toggles hidden, so globally disabled skills and templates are
// listed too. For the tools list the extensions are loaded (their code runs, as it does for every
// session) because only a loaded extension says which tools it registers; the skills and prompts
// lists leave them out.
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, sandboxIdentity, type ForgeConfig } from '@pi-forge/runtime';
import { PI_SDK_LOADER, type PiSdkLoader } from '../sdk/pi-sdk.js';
import { dropPiSubagentsExtensions, withoutPiSubagents } from '../sdk/sandbox-packages.js';
import type { ResourceScanner, ScannedDiagnostic, ScannedResources, ResourceSourceName } from './resource-scanner.port.js';
import { withoutNameTogglePatterns } from './sdk-settings.js';

interface SdkSourceInfo {
  source: string;
  scope: string;
  origin: string;
}

interface SdkDiagnostic {
  type: 'warning' | 'error' | 'collision';
  message: string;
  path?: string;
  collision?: { resourceType: string; name: string; winnerPath: string; loserPath: string };
}

function sourceOf(info: SdkSourceInfo | undefined): ResourceSourceName {
  if (info?.origin === 'package') return 'extension';
  return info?.scope === 'project' ? 'project' : 'global';
}

function diagnostic(d: SdkDiagnostic): ScannedDiagnostic {
  const out: ScannedDiagnostic = { type: d.type, message: d.message };
  if (d.path) out.path = d.path;
  if (d.collision) {
    const { resourceType, name, winnerPath, loserPath } = d.collision;
    out.collision = { resourceType, name, winnerPath, loserPath };
  }
  return out;
}

@Injectable()
export class SdkResourceScanner implements ResourceScanner {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PI_SDK_LOADER) private readonly loadSdk: PiSdkLoader,
  ) {}

  async scan(cwd: string, options: { extensionTools?: boolean } = {}): Promise<ScannedResources> {
    const { DefaultResourceLoader, SettingsManager } = await this.loadSdk();
    const agentDir = this.config.PI_CONFIG_DIR;
    const settingsManager = withoutNameTogglePatterns(SettingsManager.create(cwd, agentDir));
    const sandboxed = !!sandboxIdentity(this.config);
    if (sandboxed) withoutPiSubagents(settingsManager);
    const loader = new DefaultResourceLoader({
      cwd,
      agentDir,
      settingsManager,
      noThemes: true,
      noContextFiles: true,
      noExtensions: !options.extensionTools,
      ...(sandboxed ? { extensionsOverride: dropPiSubagentsExtensions } : {}),
    });
    await loader.reload();
    const skills = loader.getSkills();
    const prompts = loader.getPrompts();
    const extensions = loader.getExtensions();
    for (const e of extensions.errors) this.logger.warn({ path: e.path, error: e.error }, 'extension failed to load while listing tools');
    return {
      skills: skills.skills.map((s) => {
        const source = sourceOf(s.sourceInfo);
        return {
          name: s.name,
          description: s.description,
          filePath: s.filePath,
          source,
          ...(source === 'extension' ? { extensionPath: s.sourceInfo.source } : {}),
          disableModelInvocation: !!s.disableModelInvocation,
        };
      }),
      skillDiagnostics: skills.diagnostics.map(diagnostic),
      prompts: prompts.prompts.map((p) => ({
        name: p.name,
        description: p.description,
        ...(p.argumentHint ? { argumentHint: p.argumentHint } : {}),
        filePath: p.filePath,
        source: p.sourceInfo?.scope === 'project' ? 'project' : 'global',
      })),
      promptDiagnostics: prompts.diagnostics.map(diagnostic),
      extensionTools: extensions.extensions
        .filter((e) => !e.hidden)
        .flatMap((e) =>
          [...e.tools.values()].map((t) => ({
            packageSource: e.sourceInfo?.origin === 'package' ? e.sourceInfo.source : e.path,
            name: t.definition.name,
            description: t.definition.description ?? '',
          })),
        ),
    };
  }
}
