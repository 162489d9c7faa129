import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from './event-log.js';

test('ids are <epoch>-<seq> and since() returns exactly the missed events', () => {
  const log = new EventLog();
  const a = log.append({ type: 'a' });
  log.append({ type: 'b' });
  log.append({ type: 'c' });
  assert.match(a.id, /^[0-9a-f]{8}-1$/);
  assert.deepEqual(
    log.since(a.id)?.map((e) => JSON.parse(e.json).type),
    ['b', 'c'],
  );
  assert.deepEqual(log.since(log.lastId), []);
  assert.deepEqual(log.since(`${log.epoch}-0`)?.length, 3);
});

test('since() refuses other epochs, future ids, garbage and evicted ranges', () => {
  const log = new EventLog({ maxEvents: 3, maxBytes: 1 << 20 });
  for (let i = 0; i < 10; i++) log.append({ type: 't', i });
  assert.equal(log.since('deadbeef-5'), undefined);
  assert.equal(log.since(`${log.epoch}-11`), undefined);
  assert.equal(log.since('nonsense'), undefined);
  assert.equal(log.since(`${log.epoch}-2`), undefined, 'events 3..7 were evicted');
  assert.deepEqual(
    log.since(`${log.epoch}-7`)?.map((e) => e.seq),
    [8, 9, 10],
  );
});

test('the byte bound evicts old events too', () => {
  const log = new EventLog({ maxEvents: 1000, maxBytes: 100 });
  for (let i = 0; i < 20; i++) log.append({ type: 'x', pad: '0123456789' });
  assert.equal(log.since(`${log.epoch}-1`), undefined);
  assert.ok((log.since(`${log.epoch}-19`) ?? []).length === 1);
});

test('subscribers get appended events until they unsubscribe; close() runs their closers', () => {
  const log = new EventLog();
  const seen: number[] = [];
  let closed = 0;
  const off = log.subscribe(
    (e) => seen.push(e.seq),
    () => closed++,
  );
  log.append({ type: 'a' });
  off();
  log.append({ type: 'b' });
  log.subscribe(
    () => {},
    () => closed++,
  );
  log.close();
  assert.deepEqual(seen, [1]);
  assert.equal(closed, 1);
  assert.equal(log.subscriberCount, 0);
});

test('clearReplay keeps ids going: an up-to-date client misses nothing, a late one gets a snapshot', () => {
  const log = new EventLog();
  log.append({ type: 'a' });
  log.append({ type: 'b' });
  log.clearReplay();
  assert.deepEqual(log.since(`${log.epoch}-2`), []);
  assert.equal(log.since(`${log.epoch}-1`), undefined);
  assert.equal(log.append({ type: 'c' }).seq, 3);
  assert.deepEqual(
    log.since(`${log.epoch}-2`)?.map((e) => e.seq),
    [3],
  );
});
