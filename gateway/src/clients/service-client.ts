// Base of the gateway's one-client-per-service rule: each client owns one channel to its
// service and closes it on shutdown. Controllers never touch gRPC directly.
import type { OnApplicationShutdown } from '@nestjs/common';
import type { ServiceContract } from '@pi-forge/proto';
import { loadServiceSecret, type ForgeConfig } from '@pi-forge/runtime';
import { ServiceChannel } from './service-channel.js';

/** Default deadline of a unary call that does no long work. */
export const QUICK_CALL_MS = 10_000;

/** `C` is the service's generated client interface (e.g. `AgentServiceClient`). */
export abstract class ServiceClient<C> implements OnApplicationShutdown {
  readonly channel: ServiceChannel<C>;
  constructor(contract: ServiceContract, url: string, config: ForgeConfig) {
    this.channel = new ServiceChannel(contract, url, loadServiceSecret(config));
  }
  get name(): ServiceContract['name'] {
    return this.channel.contract.name;
  }
  onApplicationShutdown(): void {
    this.channel.close();
  }
}
