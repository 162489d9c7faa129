// The terminal upgrade's query (docs/compatibility.md#terminal-protocol). Checked before the upgrade: a bad one is a 400.
import { IsNotEmpty, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class TerminalQueryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  projectId: string;

  /** Stable id of the browser tab; absent means a one-off shell that cannot be reattached. */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  tabId?: string;

  @IsOptional()
  @IsString()
  token?: string;

  @IsOptional()
  @IsString()
  ticket?: string;
}
