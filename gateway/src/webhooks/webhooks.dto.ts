// Bodies and queries of /webhooks (§2.12). Only the shape is checked here; the rules with the
// contract's error codes (invalid_url, no_events, …) live in the agent service, which owns the file.
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class WebhookScopeDto {
  @IsIn(['global', 'project']) kind!: 'global' | 'project';
  @IsOptional() @IsString() @MaxLength(256) projectId?: string;
}

export class CreateWebhookDto {
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() url?: string;
  /** Event names (docs/webhooks.md); unknown ones are refused as no_events. */
  @IsOptional() @IsArray() @IsString({ each: true }) events?: string[];
  @IsOptional() @ValidateNested() @Type(() => WebhookScopeDto) scope?: WebhookScopeDto;
  /** Write-only; an empty string clears it. */
  @IsOptional() @IsString() secret?: string;
  /** Header name → value; `***REDACTED***` keeps the stored value; `{}` clears them. */
  @IsOptional() @IsObject() headers?: Record<string, string>;
  @IsOptional() @IsBoolean() insecureTls?: boolean;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** Any subset of the create fields. */
export class UpdateWebhookDto extends CreateWebhookDto {}

export class ListWebhooksQueryDto {
  @IsOptional() @IsString() @MaxLength(256) projectId?: string;
}
