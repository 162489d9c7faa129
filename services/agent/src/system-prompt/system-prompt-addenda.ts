// What pi-forge appends to the SDK's system prompt for a session (contract §10.2 step 4, P7, S25):
// the secret-hygiene rule when AGENT_SECRET_HYGIENE_RULE is on, then the project's addendum.
// A workspace that cannot answer costs the addendum, not the session (logged).
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import { PROJECT_PROMPTS, type ProjectPrompts } from './project-prompts.port.js';

export const SECRET_HYGIENE_RULE = [
  'Secret hygiene: never print, echo, log or repeat the values of environment variables, API keys, tokens,',
  'passwords or other credentials, in answers or in commands you run (for example `env`, `printenv`,',
  '`echo $VAR`, `cat .env`). Refer to a secret by its name only; if a task needs one, ask the user to provide it',
  'through configuration instead.',
].join(' ');

@Injectable()
export class SystemPromptAddenda {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROJECT_PROMPTS) private readonly prompts: ProjectPrompts,
  ) {}

  async forProject(projectId: string): Promise<string[]> {
    const out: string[] = [];
    if (this.config.AGENT_SECRET_HYGIENE_RULE) out.push(SECRET_HYGIENE_RULE);
    try {
      const addendum = (await this.prompts.addendum(projectId)).trim();
      if (addendum) out.push(addendum);
    } catch (err) {
      this.logger.warn({ err, projectId }, 'project system-prompt addendum unavailable; session built without it');
    }
    return out;
  }
}
