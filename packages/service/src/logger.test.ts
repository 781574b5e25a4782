import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger';

const sink = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
};

test('text lines carry the service name; levels below the minimum are dropped', () => {
  const { lines, stream } = sink();
  const log = createLogger('api', { stream, level: 'info', format: 'text' });
  log.debug('hidden');
  log.info('listening', { port: 4000 });
  log.child('ws').warn('slow subscriber');
  assert.deepEqual(lines, ['[api] listening {"port":4000}\n', '[api:ws] WARN slow subscriber\n']);
});

test('json lines are one object each', () => {
  const { lines, stream } = sink();
  createLogger('runner', { stream, format: 'json' }).error('boom', { runId: '3' });
  const obj = JSON.parse(lines[0]!);
  assert.equal(obj.level, 'error');
  assert.equal(obj.name, 'runner');
  assert.equal(obj.msg, 'boom');
  assert.equal(obj.runId, '3');
});
