import { IsIn, IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** Query booleans as the contract spells them. */
export const BOOL_STRINGS = ['0', '1', 'true', 'false'];
export const isTrue = (v: string | undefined) => v === '1' || v === 'true';

export class ProjectQuery {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
}

export class TreeQuery extends ProjectQuery {
  @IsOptional() @Matches(/^\d{1,4}$/, { message: 'maxDepth must be digits' }) maxDepth?: string;
}

export class PathQuery extends ProjectQuery {
  @IsString() @MaxLength(4096) path: string;
}

export class DownloadQuery extends ProjectQuery {
  @IsOptional() @IsString() @MaxLength(4096) path?: string;
}

export class DeleteQuery extends PathQuery {
  @IsOptional() @IsIn(['true', 'false', '1', '0']) recursive?: string;
}

export class WriteFileDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsString() @MaxLength(4096) path: string;
  @IsString() content: string;
}

export class MakeDirectoryDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsString() @MaxLength(4096) parentPath: string;
  @IsString() @MaxLength(255) name: string;
}

export class RenamePathDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsString() @MaxLength(4096) path: string;
  @IsString() @MaxLength(255) name: string;
}

export class MovePathDto {
  @IsString() @IsNotEmpty() @MaxLength(200) projectId: string;
  @IsString() @MaxLength(4096) src: string;
  @IsString() @MaxLength(4096) dest: string;
}

export class SearchQuery extends ProjectQuery {
  @IsString() @Length(1, 1024) q: string;
  @IsOptional() @IsIn(BOOL_STRINGS) regex?: string;
  @IsOptional() @IsIn(BOOL_STRINGS) caseSensitive?: string;
  @IsOptional() @IsIn(BOOL_STRINGS) includeGitignored?: string;
  @IsOptional() @IsString() @MaxLength(256) include?: string;
  @IsOptional() @IsString() @MaxLength(256) exclude?: string;
  @IsOptional() @Matches(/^\d{1,6}$/, { message: 'limit must be digits' }) limit?: string;
}

export class CompleteQuery extends ProjectQuery {
  @IsOptional() @IsString() @MaxLength(256) query?: string;
  @IsOptional() @Matches(/^\d{1,6}$/, { message: 'limit must be digits' }) limit?: string;
}
