// Bodies and queries of the session routes (docs/compatibility.md#sessions).
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EXPORT_FORMAT, STREAMING_BEHAVIOR, THINKING_LEVEL } from '@pi-forge/proto';

export class CreateSessionDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  projectId: string;
}

export class ListSessionsQueryDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  projectId?: string;
}

export class PromptDto {
  @IsString()
  @MinLength(1)
  text: string;

  @IsOptional()
  @IsIn(STREAMING_BEHAVIOR.words)
  streamingBehavior?: 'steer' | 'followUp';
}

export class SteerDto {
  @IsString()
  @MinLength(1)
  text: string;

  @IsOptional()
  @IsIn(STREAMING_BEHAVIOR.words)
  mode?: 'steer' | 'followUp';
}

export class RenameSessionDto {
  @IsString()
  @MaxLength(200)
  name: string;
}

export class SetModelDto {
  @IsString()
  @MinLength(1)
  provider: string;

  @IsString()
  @MinLength(1)
  modelId: string;
}

export class SetThinkingLevelDto {
  @IsIn(THINKING_LEVEL.words)
  level: string;
}

export class ForkDto {
  @IsString()
  @IsNotEmpty()
  entryId: string;
}

export class ExportQueryDto {
  @IsIn(EXPORT_FORMAT.words)
  format: 'jsonl' | 'markdown';
}

export class ExecDto {
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  command: string;

  @IsOptional()
  @IsBoolean()
  excludeFromContext?: boolean;
}

export class NavigateDto {
  @IsString()
  @IsNotEmpty()
  entryId: string;

  @IsOptional()
  @IsBoolean()
  summarize?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  customInstructions?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}

export class CompactDto {
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  customInstructions?: string;
}
