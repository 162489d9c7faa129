// What the SDK loads for a folder: skills, prompt templates (each with the SDK's diagnostics) and
// the tools the extensions register. A port so the toggles logic is tested without the SDK; the
// real one (sdk-resource-scanner.ts) asks the SDK's own DefaultResourceLoader.
export const RESOURCE_SCANNER = Symbol('RESOURCE_SCANNER');

export type ResourceSourceName = 'global' | 'project' | 'extension';

export interface ScannedSkill {
  name: string;
  description: string;
  filePath: string;
  source: ResourceSourceName;
  /** The package source of a package-contributed skill. */
  extensionPath?: string;
  disableModelInvocation: boolean;
}

export interface ScannedPrompt {
  name: string;
  description: string;
  argumentHint?: string;
  filePath: string;
  source: 'global' | 'project';
}

export interface ScannedDiagnostic {
  type: 'warning' | 'error' | 'collision';
  message: string;
  path?: string;
  collision?: { resourceType: string; name: string; winnerPath: string; loserPath: string };
}

export interface ScannedExtensionTool {
  /** The package the extension came from, or the extension's file for a top-level extension. */
  packageSource: string;
  name: string;
  description: string;
}

export interface ScannedResources {
  skills: ScannedSkill[];
  skillDiagnostics: ScannedDiagnostic[];
  prompts: ScannedPrompt[];
  promptDiagnostics: ScannedDiagnostic[];
  extensionTools: ScannedExtensionTool[];
}

export interface ResourceScanner {
  /**
   * Everything the SDK would load for a session in `cwd`, globally disabled names included. The
   * extensions are loaded (their code runs) only when `extensionTools` is asked for; skills and
   * templates of packages do not need it (the package manager finds them).
   */
  scan(cwd: string, options?: { extensionTools?: boolean }): Promise<ScannedResources>;
}
