import { Module } from '@nestjs/common';
import { SpawnRateLimiter } from './spawn-rate-limiter.js';
import { TerminalGateway } from './terminal.gateway.js';

@Module({ providers: [TerminalGateway, SpawnRateLimiter] })
export class TerminalModule {}
