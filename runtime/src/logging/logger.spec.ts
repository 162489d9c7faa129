import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './logger.js';

test('redactUrl hides credential query values, also when the name is percent-encoded or oddly cased', () => {
  assert.equal(redactUrl('/api/v1/terminal?projectId=p&token=abc&tabId=t'), '/api/v1/terminal?projectId=p&token=REDACTED&tabId=t');
  assert.equal(redactUrl('/s?%74oken=abc'), '/s?%74oken=REDACTED');
  assert.equal(redactUrl('/s?%74%69%63%6B%65%74=abc&x=1'), '/s?%74%69%63%6B%65%74=REDACTED&x=1');
  assert.equal(redactUrl('/s?TICKET=abc&Access_Token=def&api%5Fkey=ghi'), '/s?TICKET=REDACTED&Access_Token=REDACTED&api%5Fkey=REDACTED');
  assert.equal(redactUrl('/s?tok%ZZen=abc'), '/s?tok%ZZen=abc', 'an undecodable name is not a credential name');
  assert.equal(redactUrl('/plain/path'), '/plain/path');
  assert.equal(redactUrl('/s?tokenish=1&token'), '/s?tokenish=1&token');
});
