// Where a project's system-prompt addendum comes from. The workspace service owns it (it stores
// `system-prompt-overrides.json` with the project records), so the agent asks it at build time.
export const PROJECT_PROMPTS = Symbol('PROJECT_PROMPTS');

export interface ProjectPrompts {
  /** The project's addendum; "" when unset. */
  addendum(projectId: string): Promise<string>;
}
