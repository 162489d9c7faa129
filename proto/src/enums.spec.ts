import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamingBehavior, ThinkingLevel } from '../gen/forge/agent/v1/agent_service.js';
import { SessionSearchMatchKind } from '../gen/forge/agent/v1/agent_service.js';
import { SESSION_SEARCH_MATCH_KIND, STREAMING_BEHAVIOR, THINKING_LEVEL } from './words.js';

describe('enum words', () => {
  it('turns values into the public words and back', () => {
    assert.deepEqual(THINKING_LEVEL.words, ['off', 'minimal', 'low', 'medium', 'high', 'xhigh']);
    assert.deepEqual(STREAMING_BEHAVIOR.words, ['steer', 'followUp']);
    assert.equal(THINKING_LEVEL.toProto('xhigh'), ThinkingLevel.THINKING_LEVEL_XHIGH);
    assert.equal(STREAMING_BEHAVIOR.toProto('followUp'), StreamingBehavior.STREAMING_BEHAVIOR_FOLLOW_UP);
    assert.equal(STREAMING_BEHAVIOR.toWord('STREAMING_BEHAVIOR_FOLLOW_UP'), 'followUp');
    for (const word of THINKING_LEVEL.words) assert.equal(THINKING_LEVEL.toWord(THINKING_LEVEL.toProto(word)), word);
  });

  it('maps unknown, empty and unspecified to UNSPECIFIED / no word', () => {
    for (const word of ['', 'ultra', 'HIGH', 'toString', undefined])
      assert.equal(THINKING_LEVEL.toProto(word), ThinkingLevel.THINKING_LEVEL_UNSPECIFIED);
    assert.equal(THINKING_LEVEL.toWord(ThinkingLevel.THINKING_LEVEL_UNSPECIFIED), undefined);
    assert.equal(THINKING_LEVEL.toWord('THINKING_LEVEL_ULTRA'), undefined);
    assert.equal(THINKING_LEVEL.toWord(undefined), undefined);
  });

  it('keeps snake_case words where the public API spells them so (tool_call)', () => {
    assert.deepEqual(SESSION_SEARCH_MATCH_KIND.words, ['user', 'assistant', 'tool_call']);
    assert.equal(SESSION_SEARCH_MATCH_KIND.toProto('tool_call'), SessionSearchMatchKind.SESSION_SEARCH_MATCH_KIND_TOOL_CALL);
    assert.equal(SESSION_SEARCH_MATCH_KIND.toProto('toolCall'), SessionSearchMatchKind.SESSION_SEARCH_MATCH_KIND_UNSPECIFIED);
    assert.equal(SESSION_SEARCH_MATCH_KIND.toWord(SessionSearchMatchKind.SESSION_SEARCH_MATCH_KIND_TOOL_CALL), 'tool_call');
  });
});
