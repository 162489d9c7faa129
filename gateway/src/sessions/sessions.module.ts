import { Module } from '@nestjs/common';
import { SessionsController } from './sessions.controller.js';
import { SessionHubs } from './session-hub.js';
import { SessionSearchController } from './session-search.controller.js';
import { SessionStreamController } from './session-stream.controller.js';

@Module({ controllers: [SessionsController, SessionStreamController, SessionSearchController], providers: [SessionHubs] })
export class SessionsModule {}
