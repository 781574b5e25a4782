import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dialHost,
  isLoopbackHost,
  LOOPBACK_HOST,
  resolveAuthMode,
  resolveBindHost,
  shownHost,
  urlHostOf,
} from './auth-mode';
import { ConfigError } from './errors';

test('loopback addresses are recognised; others are not', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', ' LOCALHOST '])
    assert.equal(isLoopbackHost(h), true, h);
  for (const h of [
    '0.0.0.0',
    '::',
    '192.168.1.5',
    '10.0.0.1',
    'example.com',
    '128.0.0.1',
    '127.0.0.1.nip.io',
  ])
    assert.equal(isLoopbackHost(h), false, h);
});

test('services bind loopback unless told; the network with auth off is refused, or warned with the opt-in', () => {
  assert.deepEqual(resolveBindHost({}, 'API_HOST', 'off'), {
    host: LOOPBACK_HOST,
    loopback: true,
    warning: null,
  });
  assert.deepEqual(resolveBindHost({}, 'WEB_HOST', 'token'), {
    host: LOOPBACK_HOST,
    loopback: true,
    warning: null,
  });
  assert.equal(resolveBindHost({ API_HOST: '::1' }, 'API_HOST', 'off').host, '::1');
  assert.throws(
    () => resolveBindHost({ API_HOST: '0.0.0.0' }, 'API_HOST', 'off'),
    (e: Error) =>
      e instanceof ConfigError &&
      /^API_HOST=0\.0\.0\.0 serves Basin beyond this machine with auth off/.test(e.message) &&
      /BASIN_AUTH=token/.test(e.message) &&
      /BASIN_INSECURE_BIND=1/.test(e.message),
  );
  assert.throws(
    () => resolveBindHost({ WEB_HOST: '192.168.1.5' }, 'WEB_HOST', 'off'),
    /WEB_HOST=192\.168\.1\.5/,
  );
  const tokens = resolveBindHost({ API_HOST: '0.0.0.0' }, 'API_HOST', 'token');
  assert.deepEqual(tokens, { host: '0.0.0.0', loopback: false, warning: null });
  const insecure = resolveBindHost({ API_HOST: '0.0.0.0', BASIN_INSECURE_BIND: '1' }, 'API_HOST', 'off');
  assert.equal(insecure.host, '0.0.0.0');
  assert.match(insecure.warning ?? '', /auth off .*BASIN_INSECURE_BIND=1/);
  // the embedded default is auth off, so a fresh `npm start` is loopback-only
  assert.equal(resolveBindHost({}, 'API_HOST', resolveAuthMode({})).loopback, true);
});

test('a bound address as shown to a user, as dialled from this machine, and inside a URL', () => {
  for (const h of ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'])
    assert.equal(shownHost(h), 'localhost', h);
  assert.equal(shownHost('192.168.1.5'), '192.168.1.5');
  assert.equal(shownHost('fd00::5'), '[fd00::5]');
  for (const h of ['0.0.0.0', '::', 'localhost']) assert.equal(dialHost(h), LOOPBACK_HOST, h);
  assert.equal(dialHost('127.0.0.1'), '127.0.0.1');
  assert.equal(dialHost('::1'), '[::1]');
  assert.equal(urlHostOf('10.0.0.1'), '10.0.0.1');
});
