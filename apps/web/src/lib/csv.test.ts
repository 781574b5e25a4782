import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixCsv, toCsv } from './csv';

test('quotes cells with commas, quotes and newlines; leaves plain ones alone', () => {
  const csv = toCsv(
    ['name', 'note'],
    [
      ['P-T seed 1', 'a, b'],
      ['x "y"', 'line\nbreak'],
    ],
  );
  assert.equal(csv, 'name,note\r\nP-T seed 1,"a, b"\r\n"x ""y""","line\nbreak"\r\n');
});

test('numbers keep full precision; null, undefined and non-finite numbers are empty cells', () => {
  assert.equal(
    toCsv(['v'], [[0.1 + 0.2], [null], [undefined], [Number.NaN], [1e-12]]),
    'v\r\n0.30000000000000004\r\n\r\n\r\n\r\n1e-12\r\n',
  );
});

test('a labelled matrix puts row labels first', () => {
  assert.equal(
    matrixCsv(
      'module',
      ['conv1', 'fc'],
      ['conv1', 'fc'],
      [
        [1, 0.5],
        [0.5, 1],
      ],
    ),
    'module,conv1,fc\r\nconv1,1,0.5\r\nfc,0.5,1\r\n',
  );
});
