import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { ProjectsController } from './projects/projects.controller.js';
import { ProjectRegistry } from './projects/project-registry.js';
import { FolderBrowser } from './projects/folder-browser.js';
import { ProjectClone } from './projects/project-clone.js';
import { SystemPromptStore } from './projects/system-prompt-store.js';
import { FilesController } from './files/files.controller.js';
import { ProjectFiles } from './files/project-files.js';
import { UploadReceiver } from './files/upload-receiver.js';
import { DownloadStreamer } from './files/download-streamer.js';
import { SearchController } from './search/search.controller.js';
import { ContentSearch } from './search/content-search.js';
import { PathCompletion } from './search/path-completion.js';
import { GitController } from './git/git.controller.js';
import { GitRunner } from './git/git-runner.js';
import { ProjectGit } from './git/project-git.js';
import { FsDoor } from './paths/project-fs.js';

@Module({})
export class WorkspaceModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: WorkspaceModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      controllers: [ProjectsController, FilesController, SearchController, GitController],
      providers: [FsDoor, ProjectRegistry, SystemPromptStore, FolderBrowser, ProjectClone, ProjectFiles, UploadReceiver, DownloadStreamer, ContentSearch, PathCompletion, GitRunner, ProjectGit],
    };
  }
}
