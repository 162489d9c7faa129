import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateQuestionnaire, type QuestionnaireError } from './questionnaire.js';

const option = (label: string, extra: Record<string, unknown> = {}) => ({ label, description: `about ${label}`, ...extra });
const question = (extra: Record<string, unknown> = {}) => ({
  question: 'Which database?',
  header: 'Database',
  options: [option('Postgres'), option('SQLite')],
  ...extra,
});

function errorOf(params: unknown): QuestionnaireError | undefined {
  const check = validateQuestionnaire(params);
  return check.ok ? undefined : check.error;
}

describe('validateQuestionnaire', () => {
  it('accepts 1-4 questions of 2-4 options and normalizes them', () => {
    const check = validateQuestionnaire({
      questions: [
        question({
          question: '  Which database?  ',
          options: [option('Postgres', { preview: '```sql\nselect 1\n```' }), option('SQLite')],
        }),
        question({
          question: 'Which extras?',
          header: 'Extras',
          multiSelect: true,
          options: [option('a'), option('b'), option('c'), option('d')],
        }),
      ],
    });
    assert.ok(check.ok);
    assert.deepEqual(check.questions[0], {
      question: 'Which database?',
      header: 'Database',
      multiSelect: false,
      options: [
        { label: 'Postgres', description: 'about Postgres', preview: '```sql\nselect 1\n```' },
        { label: 'SQLite', description: 'about SQLite' },
      ],
    });
    assert.equal(check.questions[1]!.multiSelect, true);
    assert.equal(check.questions[1]!.options.length, 4);
  });

  it('gives the contract code for each kind of bad call', () => {
    const cases: [unknown, QuestionnaireError][] = [
      [{}, 'no_questions'],
      [{ questions: [] }, 'no_questions'],
      [{ questions: 'q' }, 'no_questions'],
      [{ questions: [question(), question(), question(), question(), question()] }, 'too_many_questions'],
      [{ questions: [question({ question: '   ' })] }, 'missing_question_text'],
      [{ questions: [question({ header: '' })] }, 'missing_header'],
      [{ questions: [question({ header: 'x'.repeat(17) })] }, 'header_too_long'],
      [{ questions: [question({ options: [option('only')] })] }, 'too_few_options'],
      [{ questions: [question({ options: undefined })] }, 'too_few_options'],
      [{ questions: [question({ options: ['a', 'b', 'c', 'd', 'e'].map((l) => option(l)) })] }, 'too_many_options'],
      [{ questions: [question({ options: [option(''), option('b')] })] }, 'missing_label'],
      [{ questions: [question({ options: [option('x'.repeat(61)), option('b')] })] }, 'label_too_long'],
      [{ questions: [question({ options: [{ label: 'a', description: ' ' }, option('b')] })] }, 'missing_description'],
      [{ questions: [question({ options: [option('a'), option('a')] })] }, 'duplicate_label'],
      [{ questions: [question({ options: [option('Yes'), option('yes')] })] }, 'duplicate_label'],
    ];
    for (const [params, code] of cases) assert.equal(errorOf(params), code, JSON.stringify(params));
  });

  it('refuses every reserved label, in any case, before duplicates', () => {
    for (const label of ['Other', 'Type something.', 'Chat about this', 'Next', 'other'])
      assert.equal(errorOf({ questions: [question({ options: [option(label), option(label)] })] }), 'reserved_label', label);
  });

  it('accepts the limits themselves (16-character header, 60-character label)', () => {
    assert.equal(errorOf({ questions: [question({ header: 'x'.repeat(16), options: [option('y'.repeat(60)), option('b')] })] }), undefined);
  });

  it('names the place of the error for the model', () => {
    const check = validateQuestionnaire({ questions: [question(), question({ options: [option('a'), option('')] })] });
    assert.ok(!check.ok);
    assert.match(check.message, /questions\[1\]\.options\[1\]\.label/);
  });
});
