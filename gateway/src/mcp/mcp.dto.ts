// Bodies and queries of the /mcp routes (docs/mcp.md, contract §2.10). Field types are checked here; the
// url-or-command rule and the server-name rule are the agent service's (400 mcp_invalid_config).
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

const MAX_ENTRIES = 100;
const MAX_VALUE = 16_384;

/** An object of at most 100 string values of at most 16 KiB (headers, env). */
function IsStringMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length <= MAX_ENTRIES &&
        Object.entries(v).every(([k, x]) => k.length > 0 && k.length <= 256 && typeof x === 'string' && x.length <= MAX_VALUE),
      defaultMessage: () => `$property must map at most ${MAX_ENTRIES} names to strings of at most ${MAX_VALUE} characters`,
    },
  });
}

export class McpServerConfigDto {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() @MaxLength(4096) url?: string;
  @IsOptional() @IsIn(['auto', 'streamable-http', 'sse']) transport?: 'auto' | 'streamable-http' | 'sse';
  @IsOptional() @IsStringMap() headers?: Record<string, string>;
  @IsOptional() @IsBoolean() ignoreCertificateErrors?: boolean;
  @IsOptional() @IsString() @MaxLength(4096) command?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(MAX_VALUE, { each: true }) args?: string[];
  @IsOptional() @IsStringMap() env?: Record<string, string>;
  @IsOptional() @IsString() @MaxLength(4096) cwd?: string;
}

export class McpTruncationDto {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxChars?: number;
}

export class PutMcpSettingsDto {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => McpTruncationDto) truncation?: McpTruncationDto;
}

export class McpServerNameDto {
  @IsString() @Length(1, 64) name!: string;
}

export class McpProjectQueryDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) projectId?: string;
}

export class McpToolsQueryDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId!: string;
}

export class McpTrustParamsDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId!: string;
}
