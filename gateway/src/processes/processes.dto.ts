// Bodies and queries of the process routes (docs/compatibility.md#processes).
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Stdin writes are lines for a REPL or a prompt, not file transfers. */
export const STDIN_MAX_CHARS = 64 * 1024;
/** The route's body limit: the input plus JSON escaping headroom. */
export const STDIN_BODY_LIMIT = 4 * STDIN_MAX_CHARS + 1024;

export class ProcessOutputQueryDto {
  /** Accepted and ignored, as in the contract: both streams always come back. */
  @IsOptional()
  @IsIn(['stdout', 'stderr', 'both'])
  stream?: string;

  /** Lines per stream, default 200; the agent service caps it at its ring's 1000. */
  @IsOptional()
  @Matches(/^\d{1,6}$/, { message: 'tail must be digits' })
  tail?: string;
}

export class ProcessLogQueryDto {
  @IsOptional()
  @IsIn(['stdout', 'stderr'])
  stream?: 'stdout' | 'stderr';
}

export class ProcessStdinDto {
  @IsString()
  @MaxLength(STDIN_MAX_CHARS)
  input: string;

  @IsOptional()
  @IsBoolean()
  end?: boolean;
}

export class StartProcessDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  command: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}
