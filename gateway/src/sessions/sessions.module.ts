import { Module } from '@nestjs/common';
import { SessionsController } from './sessions.controller.js';
import { SessionStreamController } from './session-stream.controller.js';

@Module({ controllers: [SessionsController, SessionStreamController] })
export class SessionsModule {}
