import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { rpcHandlers } from '@pi-forge/proto';
import type { WorkspaceServiceController } from '@pi-forge/proto/workspace';
import { ProjectsGrpcHandler } from './projects/projects.grpc-handler.js';
import { ProjectRegistry } from './projects/project-registry.js';
import { FolderBrowser } from './projects/folder-browser.js';
import { ProjectClone } from './projects/project-clone.js';
import { SystemPromptStore } from './projects/system-prompt-store.js';
import { FilesGrpcHandler } from './files/files.grpc-handler.js';
import { ProjectFiles } from './files/project-files.js';
import { UploadReceiver } from './files/upload-receiver.js';
import { DownloadStreamer } from './files/download-streamer.js';
import { SearchGrpcHandler } from './search/search.grpc-handler.js';
import { ContentSearch } from './search/content-search.js';
import { PathCompletion } from './search/path-completion.js';
import { GitGrpcHandler } from './git/git.grpc-handler.js';
import { GitRunner } from './git/git-runner.js';
import { ProjectGit } from './git/project-git.js';
import { FsDoor } from './paths/project-fs.js';
import { StatsGrpcHandler } from './stats/stats.grpc-handler.js';

@Module({})
export class WorkspaceModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: WorkspaceModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      // Together they must handle every RPC of the service (a compile-time check).
      controllers: rpcHandlers<WorkspaceServiceController>()(
        StatsGrpcHandler,
        ProjectsGrpcHandler,
        FilesGrpcHandler,
        SearchGrpcHandler,
        GitGrpcHandler,
      ),
      providers: [
        FsDoor,
        ProjectRegistry,
        SystemPromptStore,
        FolderBrowser,
        ProjectClone,
        ProjectFiles,
        UploadReceiver,
        DownloadStreamer,
        ContentSearch,
        PathCompletion,
        GitRunner,
        ProjectGit,
      ],
    };
  }
}
