import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingLog } from './rotating-log.js';

describe('RotatingLog', () => {
  it('moves the file to .1 at the cap, so at most two caps stay on disk, and keeps every byte in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotating-log-'));
    try {
      const path = join(dir, 'stdout.log');
      const log = new RotatingLog(path, 100);
      log.append(Buffer.from('a'.repeat(60)));
      log.append(Buffer.from('b'.repeat(60)));
      assert.equal(statSync(`${path}.1`).size, 100);
      assert.equal(readFileSync(path, 'utf8'), 'b'.repeat(20));
      // A chunk of several caps at once rotates several times; only the newest two caps remain.
      log.append(Buffer.from('c'.repeat(250)));
      log.close();
      assert.equal(readFileSync(`${path}.1`, 'utf8'), 'c'.repeat(100));
      assert.equal(readFileSync(path, 'utf8'), 'c'.repeat(70));
      assert.equal(statSync(path).mode & 0o777, 0o600);
      // Writing after close is ignored, not a crash (late output after the logs closed).
      log.append(Buffer.from('late'));
      assert.equal(readFileSync(path, 'utf8'), 'c'.repeat(70));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
