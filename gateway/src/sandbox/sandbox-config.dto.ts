import { IsObject } from 'class-validator';

/** The names and values are checked by the agent service (invalid_sandbox_settings). */
export class PutSandboxDto {
  @IsObject() toolEnv!: Record<string, string>;
}
