import { IsIn, IsOptional, Matches } from 'class-validator';
import { BOOL_STRINGS } from '../files/files.dto.js';

/** The opt-in members of a config export (docs/backup.md); the contract's seven files are always in. */
export const EXPORT_OPT_INS = ['auth', 'projects', 'webhooks', 'skills', 'prompts-overrides'] as const;
export type ExportOptIn = (typeof EXPORT_OPT_INS)[number];

export class ConfigExportQuery {
  /** Comma-separated opt-ins, e.g. `auth,projects,skills`. */
  @IsOptional()
  @Matches(new RegExp(`^(${EXPORT_OPT_INS.join('|')})(,(${EXPORT_OPT_INS.join('|')}))*$`), {
    message: `include is a comma-separated list of ${EXPORT_OPT_INS.join(', ')}`,
  })
  include?: string;
}

export class ConfigImportQuery {
  /** Validate and report the changes without writing anything. */
  @IsOptional() @IsIn(BOOL_STRINGS) dryRun?: string;
}
