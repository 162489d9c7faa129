// Queries, path parameters and bodies of /config/skills, /config/prompts and /config/tools
// (docs/compatibility.md#skills-prompts-and-tools). Names are checked for shape here; whether a
// skill or template exists is the agent service's answer (skill_not_found / prompt_not_found).
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** One path segment's worth of name: no separators, no control characters. */
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NAME = /^[^\u0000-\u001f\u007f/\\]+$/;

export class ProjectQueryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  projectId: string;
}

export class OptionalProjectQueryDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  projectId?: string;
}

export class ResourceNameParamDto {
  @IsString()
  @MaxLength(256)
  @Matches(NAME, { message: 'name must be one path segment without control characters' })
  name: string;
}

export class ToolParamDto extends ResourceNameParamDto {
  @IsIn(['builtin', 'mcp', 'extension'])
  family: 'builtin' | 'mcp' | 'extension';
}

export class SetEnabledDto {
  @IsBoolean()
  enabled: boolean;

  @IsOptional()
  @IsIn(['global', 'project'])
  scope?: 'global' | 'project';
}
