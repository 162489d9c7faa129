import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { GIT_HUNK_MODE } from '@pi-forge/proto';
import { BOOL_STRINGS } from '../files/files.dto.js';

/** Every git route takes a project and, optionally, a worktree (only the main one for now). */
export class GitQuery {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsOptional() @IsString() @MaxLength(4096) worktreePath?: string;
}

export class GitFileDiffQuery extends GitQuery {
  @IsString() @MaxLength(4096) path: string;
  @IsOptional() @IsIn(BOOL_STRINGS) staged?: string;
}

export class GitLogQuery extends GitQuery {
  @IsOptional() @Matches(/^\d{1,6}$/, { message: 'limit must be digits' }) limit?: string;
}

export class GitDeleteBranchQuery extends GitQuery {
  @IsOptional() @IsIn(BOOL_STRINGS) force?: string;
}

export class GitBody {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsOptional() @IsString() @MaxLength(4096) worktreePath?: string;
}

export class GitPathsDto extends GitBody {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsString({ each: true }) @MaxLength(4096, { each: true }) paths: string[];
}

export class GitCommitDto extends GitBody {
  @IsString() @MinLength(1) @MaxLength(100_000) message: string;
}

export class GitCheckoutDto extends GitBody {
  @IsString() @MinLength(1) @MaxLength(250) branch: string;
}

export class GitCreateBranchDto extends GitBody {
  @IsString() @MinLength(1) @MaxLength(250) name: string;
  @IsOptional() @IsString() @MaxLength(250) startPoint?: string;
  @IsOptional() @IsBoolean() checkout?: boolean;
}

export class GitFetchDto extends GitBody {
  @IsOptional() @IsString() @MaxLength(250) remote?: string;
  @IsOptional() @IsBoolean() prune?: boolean;
}

export class GitPullDto extends GitBody {
  @IsOptional() @IsString() @MaxLength(250) remote?: string;
  @IsOptional() @IsString() @MaxLength(250) branch?: string;
  @IsOptional() @IsBoolean() rebase?: boolean;
}

export class GitPushDto extends GitBody {
  @IsOptional() @IsString() @MaxLength(250) remote?: string;
  @IsOptional() @IsString() @MaxLength(250) branch?: string;
  @IsOptional() @IsBoolean() setUpstream?: boolean;
}

export class GitRemoteAddDto extends GitBody {
  @IsString() @MinLength(1) @MaxLength(250) name: string;
  @IsString() @MinLength(1) @MaxLength(1024) url: string;
  @IsOptional() @IsBoolean() insecureTls?: boolean;
}

export class GitApplyHunksDto extends GitBody {
  @IsString() @MaxLength(4096) path: string;
  @IsIn(GIT_HUNK_MODE.words) mode: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(10_000, { each: true })
  hunkIndices: number[];
}

export class GitRemoteTlsDto extends GitBody {
  @IsString() @MinLength(1) @MaxLength(250) name: string;
  @IsBoolean() insecureTls: boolean;
}
