import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fsError, reportUnmappedFsErrors } from './fs-errors.js';

const errno = (code: string) => Object.assign(new Error(`${code}: boom`), { code });
const publicCode = (err: unknown) =>
  (JSON.parse((err as { getError(): { message: string } }).getError().message) as { error: string }).error;

describe('fsError', () => {
  it('reports an errno the table does not know (the "unmapped file-manager error" line) and answers internal_error', () => {
    const seen: unknown[] = [];
    reportUnmappedFsErrors((err) => seen.push(err));
    const unknown = errno('ENXIO');
    assert.equal(publicCode(fsError(unknown)), 'internal_error');
    assert.equal(publicCode(fsError(errno('ENOENT'))), 'not_found');
    assert.deepEqual(seen, [unknown], 'mapped errnos are not reported');
    reportUnmappedFsErrors(() => {});
  });
});
