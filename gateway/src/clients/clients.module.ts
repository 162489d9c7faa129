import { Global, Module } from '@nestjs/common';
import { AgentClient } from './agent.client.js';
import { PtyClient } from './pty.client.js';
import { WorkspaceClient } from './workspace.client.js';

@Global()
@Module({
  providers: [AgentClient, PtyClient, WorkspaceClient],
  exports: [AgentClient, PtyClient, WorkspaceClient],
})
export class ClientsModule {}
