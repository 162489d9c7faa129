// ProjectPrompts over gRPC: one channel to the workspace service, GetSystemPromptAddendum per
// session build, carrying the per-install service secret like the gateway's clients. A short
// deadline keeps a session build from hanging on a stuck workspace.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import type { GetSystemPromptAddendumResponse } from '@pi-forge/proto/workspace';
import { CONFIG, GRPC_CHANNEL_OPTIONS, loadServiceSecret, serviceSecretClientInterceptor, type ForgeConfig } from '@pi-forge/runtime';
import type { ProjectPrompts } from './project-prompts.port.js';

const CALL_MS = 5_000;

type AddendumCall = (
  req: { projectId: string },
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: GetSystemPromptAddendumResponse) => void,
) => void;

@Injectable()
export class WorkspaceProjectPrompts implements ProjectPrompts, OnApplicationShutdown {
  private client?: grpc.Client & { GetSystemPromptAddendum: AddendumCall };

  constructor(@Inject(CONFIG) private readonly config: ForgeConfig) {}

  private stub(): grpc.Client & { GetSystemPromptAddendum: AddendumCall } {
    if (this.client) return this.client;
    const def = protoLoader.loadSync(WORKSPACE_CONTRACT.protoPath, { longs: Number, enums: String, defaults: true, oneofs: true });
    let node: unknown = grpc.loadPackageDefinition(def);
    for (const part of `${WORKSPACE_CONTRACT.package}.${WORKSPACE_CONTRACT.service}`.split('.'))
      node = (node as Record<string, unknown>)[part];
    const Ctor = node as grpc.ServiceClientConstructor;
    this.client = new Ctor(this.config.WORKSPACE_GRPC_URL, grpc.credentials.createInsecure(), {
      ...GRPC_CHANNEL_OPTIONS,
      interceptors: [serviceSecretClientInterceptor(loadServiceSecret(this.config))],
    }) as unknown as grpc.Client & { GetSystemPromptAddendum: AddendumCall };
    return this.client;
  }

  addendum(projectId: string): Promise<string> {
    const stub = this.stub();
    return new Promise((resolve, reject) => {
      stub.GetSystemPromptAddendum({ projectId }, new grpc.Metadata(), { deadline: Date.now() + CALL_MS }, (err, res) =>
        err ? reject(err) : resolve(res.addendum ?? ''),
      );
    });
  }

  onApplicationShutdown(): void {
    this.client?.close();
  }
}
