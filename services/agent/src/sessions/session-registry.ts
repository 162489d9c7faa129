// Every live agent session this service holds, keyed by session id.
import { Injectable } from '@nestjs/common';

@Injectable()
export class SessionRegistry {
  private readonly sessions = new Map<string, unknown>();

  get size(): number {
    return this.sessions.size;
  }
}
