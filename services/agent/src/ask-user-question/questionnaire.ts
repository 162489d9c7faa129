// What the model may ask with ask_user_question (docs/compatibility.md#ask_user_question, the
// contract of @juicesharp/rpiv-ask-user-question): 1–4 questions of 2–4 options each. The
// parameter schema only states the shape, so a bad call reaches `validateQuestionnaire` and the
// model gets the contract's error code instead of the SDK's generic schema message.

export interface QuestionOption {
  label: string;
  description: string;
  preview?: string;
}

export interface Question {
  question: string;
  header: string;
  multiSelect: boolean;
  options: QuestionOption[];
}

export type QuestionnaireError =
  | 'no_questions'
  | 'too_many_questions'
  | 'missing_question_text'
  | 'missing_header'
  | 'header_too_long'
  | 'too_few_options'
  | 'too_many_options'
  | 'missing_label'
  | 'label_too_long'
  | 'missing_description'
  | 'reserved_label'
  | 'duplicate_label';

export const MAX_QUESTIONS = 4;
export const MAX_HEADER = 16;
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 4;
export const MAX_LABEL = 60;
/** Rows the answering UI adds itself; "Other" because models reach for it. */
export const RESERVED_LABELS: readonly string[] = ['Other', 'Type something.', 'Chat about this', 'Next'];

export type QuestionnaireCheck = { ok: true; questions: Question[] } | { ok: false; error: QuestionnaireError; message: string };

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Checks the model's arguments and normalizes them (trimmed text, multiSelect always a boolean). */
export function validateQuestionnaire(params: unknown): QuestionnaireCheck {
  const fail = (error: QuestionnaireError, message: string): QuestionnaireCheck => ({ ok: false, error, message });
  const raw = (params as { questions?: unknown } | undefined)?.questions;
  if (!Array.isArray(raw) || raw.length === 0) return fail('no_questions', 'questions must list 1 to 4 questions');
  if (raw.length > MAX_QUESTIONS) return fail('too_many_questions', `at most ${MAX_QUESTIONS} questions per call, got ${raw.length}`);
  const questions: Question[] = [];
  for (const [qi, q] of (raw as Record<string, unknown>[]).entries()) {
    const at = `questions[${qi}]`;
    const question = text(q?.question);
    if (!question) return fail('missing_question_text', `${at}.question is empty`);
    const header = text(q?.header);
    if (!header) return fail('missing_header', `${at}.header is empty`);
    if (header.length > MAX_HEADER) return fail('header_too_long', `${at}.header has ${header.length} characters, at most ${MAX_HEADER}`);
    const rawOptions = Array.isArray(q?.options) ? (q.options as Record<string, unknown>[]) : [];
    if (rawOptions.length < MIN_OPTIONS) return fail('too_few_options', `${at} needs at least ${MIN_OPTIONS} options`);
    if (rawOptions.length > MAX_OPTIONS) return fail('too_many_options', `${at} has ${rawOptions.length} options, at most ${MAX_OPTIONS}`);
    const options: QuestionOption[] = [];
    const seen = new Set<string>();
    for (const [oi, o] of rawOptions.entries()) {
      const where = `${at}.options[${oi}]`;
      const label = text(o?.label);
      if (!label) return fail('missing_label', `${where}.label is empty`);
      if (label.length > MAX_LABEL) return fail('label_too_long', `${where}.label has ${label.length} characters, at most ${MAX_LABEL}`);
      if (RESERVED_LABELS.some((r) => r.toLowerCase() === label.toLowerCase()))
        return fail(
          'reserved_label',
          `${where}.label "${label}" is reserved (the UI adds ${RESERVED_LABELS.map((r) => `"${r}"`).join(', ')} itself)`,
        );
      if (seen.has(label.toLowerCase())) return fail('duplicate_label', `${at} has the label "${label}" twice`);
      seen.add(label.toLowerCase());
      const description = text(o?.description);
      if (!description) return fail('missing_description', `${where}.description is empty`);
      const preview = typeof o?.preview === 'string' && o.preview.trim() ? o.preview : undefined;
      options.push({ label, description, ...(preview ? { preview } : {}) });
    }
    questions.push({ question, header, multiSelect: q?.multiSelect === true, options });
  }
  return { ok: true, questions };
}

/** JSON schema of the parameters: the shape only (see the file comment); the limits are in the descriptions. */
export const QUESTIONNAIRE_SCHEMA = {
  type: 'object',
  properties: {
    questions: {
      type: 'array',
      description: `1 to ${MAX_QUESTIONS} questions, asked together.`,
      items: {
        type: 'object',
        properties: {
          question: { type: 'string', description: 'The full question, ending with "?".' },
          header: { type: 'string', description: `Short tab label, at most ${MAX_HEADER} characters.` },
          multiSelect: { type: 'boolean', description: 'Let the user pick several options (default false).' },
          options: {
            type: 'array',
            description: `${MIN_OPTIONS} to ${MAX_OPTIONS} choices.`,
            items: {
              type: 'object',
              properties: {
                label: { type: 'string', description: `1-5 words, at most ${MAX_LABEL} characters, unique in the question.` },
                description: { type: 'string', description: 'What the choice means or costs.' },
                preview: { type: 'string', description: 'Optional markdown shown next to the options (single-select questions).' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const QUESTIONNAIRE_DESCRIPTION = [
  'Ask the user 1-4 multiple-choice questions and wait for the answers, when a decision is theirs to make',
  '(a preference, a trade-off, missing requirements). Each question has a short header and 2-4 options',
  '{label, description, preview?}; the user may also type their own answer, add notes, or choose to chat instead.',
  `Do not add options named ${RESERVED_LABELS.map((r) => `"${r}"`).join(', ')}: the UI adds them.`,
].join(' ');
