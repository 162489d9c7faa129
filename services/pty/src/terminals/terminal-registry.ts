// Every shell this service owns, attached or detached, keyed by project and tab id.
import { Injectable } from '@nestjs/common';

@Injectable()
export class TerminalRegistry {
  private readonly terminals = new Map<string, unknown>();

  get size(): number {
    return this.terminals.size;
  }
}
