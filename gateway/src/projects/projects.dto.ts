import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

export class CreateProjectDto {
  @IsString() @Length(1, 200) name: string;
  @IsString() @MinLength(1) @MaxLength(4096) path: string;
}

export class RenameProjectDto {
  @IsString() @Length(1, 200) name: string;
}

export class ReorderProjectsDto {
  @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true }) ids: string[];
}

export class BrowseFoldersQuery {
  @IsOptional() @IsString() @MaxLength(4096) path?: string;
}

export class CreateFolderDto {
  @IsString() @MaxLength(4096) parentPath: string;
  @IsString() @Length(1, 100) name: string;
}

export class CloneProjectDto {
  @IsString() @Length(1, 4096) url: string;
  @IsString() @MaxLength(4096) parentPath: string;
  @IsString() @Length(1, 100) folderName: string;
  @IsString() @Length(1, 200) projectName: string;
  @IsOptional() @IsString() @MaxLength(250) branch?: string;
  @IsOptional() @IsString() @MaxLength(4096) token?: string;
  @IsOptional() @IsBoolean() insecureTls?: boolean;
}

export class SystemPromptDto {
  @IsString() @MaxLength(20_000) addendum: string;
}
