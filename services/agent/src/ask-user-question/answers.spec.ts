import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECLINED, checkAnswers, summarize, type SubmittedAnswer } from './answers.js';
import type { Question } from './questionnaire.js';

const QUESTIONS: Question[] = [
  {
    question: 'Which database?',
    header: 'Database',
    multiSelect: false,
    options: [
      { label: 'Postgres', description: 'server', preview: '## Postgres' },
      { label: 'SQLite', description: 'file' },
    ],
  },
  {
    question: 'Which extras?',
    header: 'Extras',
    multiSelect: true,
    options: [
      { label: 'Auth', description: 'login' },
      { label: 'Cache', description: 'redis' },
      { label: 'Queue', description: 'jobs' },
    ],
  },
];

const check = (answers: SubmittedAnswer[], cancelled = false) => checkAnswers(QUESTIONS, cancelled, answers);

describe('checkAnswers', () => {
  it('takes an option, a multi-select and uses the asked text and preview, not the client copy', () => {
    const c = check([
      { questionIndex: 1, kind: 'multi', selected: ['Auth', 'Queue'], answer: 'Also metrics', notes: ' soon ' },
      { questionIndex: 0, kind: 'option', answer: 'Postgres', selected: ['Postgres'] },
    ]);
    assert.ok(c.ok);
    assert.deepEqual(c.result, {
      cancelled: false,
      answers: [
        { questionIndex: 0, question: 'Which database?', kind: 'option', answer: 'Postgres', preview: '## Postgres' },
        { questionIndex: 1, question: 'Which extras?', kind: 'multi', answer: 'Also metrics', selected: ['Auth', 'Queue'], notes: 'soon' },
      ],
    });
  });

  it('chat about this, or cancelled, ends the request as cancelled', () => {
    const chat = check([{ questionIndex: 0, kind: 'chat' }]);
    assert.ok(chat.ok && chat.result.cancelled);
    const declined = check([], true);
    assert.ok(declined.ok && declined.result.cancelled && declined.result.answers.length === 0);
  });

  it('rejects answers that do not fit the questions', () => {
    const bad: [SubmittedAnswer[], RegExp][] = [
      [[], /at least one/],
      [[{ questionIndex: 2, kind: 'option', answer: 'Postgres' }], /not one of the 2 questions/],
      [[{ questionIndex: -1, kind: 'custom', answer: 'x' }], /not one of/],
      [
        [
          { questionIndex: 0, kind: 'option', answer: 'SQLite' },
          { questionIndex: 0, kind: 'option', answer: 'Postgres' },
        ],
        /twice/,
      ],
      [[{ questionIndex: 0, kind: undefined, answer: 'SQLite' }], /kind must be/],
      [[{ questionIndex: 0, kind: 'option', answer: 'MySQL' }], /not one of its options/],
      [[{ questionIndex: 0, kind: 'option', answer: 'SQLite', selected: ['SQLite', 'Postgres'] }], /exactly one/],
      [[{ questionIndex: 0, kind: 'multi', selected: ['SQLite'] }], /single-select/],
      [[{ questionIndex: 1, kind: 'option', answer: 'Auth' }], /multi-select/],
      [[{ questionIndex: 1, kind: 'multi', selected: ['Auth', 'Nope'] }], /"Nope" is not one of its options/],
      [[{ questionIndex: 1, kind: 'multi', selected: ['Auth', 'Auth'] }], /twice/],
      [[{ questionIndex: 1, kind: 'multi', selected: [] }], /select an option/],
      [[{ questionIndex: 0, kind: 'custom', answer: '   ' }], /empty/],
    ];
    for (const [answers, why] of bad) {
      const c = check(answers);
      assert.ok(!c.ok, JSON.stringify(answers));
      assert.match(c.message, why);
    }
  });
});

describe('summarize', () => {
  it('reads like the rpiv envelope, with preview and notes', () => {
    const c = check([
      { questionIndex: 0, kind: 'option', answer: 'Postgres' },
      { questionIndex: 1, kind: 'multi', selected: ['Cache'], notes: 'small' },
    ]);
    assert.ok(c.ok);
    assert.equal(
      summarize(c.result),
      'User has answered your questions: "Which database?"="Postgres" selected preview: ## Postgres. ' +
        '"Which extras?"="Cache" user notes: small. You can now continue with the user\'s answers in mind.',
    );
  });

  it('declines, chats and times out in words the model can act on', () => {
    assert.equal(summarize({ answers: [], cancelled: true }), DECLINED);
    const chat = check([{ questionIndex: 0, kind: 'chat' }]);
    assert.ok(chat.ok);
    assert.match(summarize(chat.result), /chat about this/);
    assert.match(summarize({ answers: [], cancelled: true, error: 'timeout' }, 30 * 60_000), /did not answer within 30 minutes/);
  });
});
