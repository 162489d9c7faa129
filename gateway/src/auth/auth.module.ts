import { Global, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { UpgradeAuthenticator, type UpgradeDecision } from './upgrade-authenticator.js';

/** Placeholder until the gateway-edge work lands: every upgrade is allowed (auth is off by default). */
class OpenUpgradeAuthenticator extends UpgradeAuthenticator {
  async authorize(_req: IncomingMessage): Promise<UpgradeDecision> {
    return { ok: true };
  }
}

@Global()
@Module({
  providers: [{ provide: UpgradeAuthenticator, useClass: OpenUpgradeAuthenticator }],
  exports: [UpgradeAuthenticator],
})
export class AuthModule {}
