import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { confineDataRoot, DataRootError, dataRoots } from './data-roots';

const base = mkdtempSync(join(tmpdir(), 'basin-roots-'));
const root = join(base, 'data');
mkdirSync(join(root, 'domainnet', 'clipart'), { recursive: true });
mkdirSync(join(base, 'private'));
symlinkSync(join(base, 'private'), join(root, 'link-out'));
symlinkSync(join(root, 'domainnet'), join(root, 'link-in'));
// a sibling whose name starts like the root's is not inside it
mkdirSync(join(base, 'data-other'));

const refuses = (path: string, roots: string[], why: RegExp, options?: { mustExist?: boolean }) =>
  assert.throws(
    () => confineDataRoot('input.root', path, roots, options),
    (e: Error) => e instanceof DataRootError && e.field === 'input.root' && why.test(e.message),
    path,
  );

test('BASIN_DATA_ROOTS is a list of absolute folders', () => {
  assert.deepEqual(dataRoots({}), []);
  assert.deepEqual(dataRoots({ BASIN_DATA_ROOTS: ` ${root}${delimiter}/srv/x/ ${delimiter}` }), [
    root,
    '/srv/x',
  ]);
});

test('folders inside a root pass, also through a link that stays inside', () => {
  assert.equal(
    confineDataRoot('f', join(root, 'domainnet', 'clipart'), [root]),
    join(root, 'domainnet', 'clipart'),
  );
  assert.equal(confineDataRoot('f', root, [root]), root);
  assert.equal(
    confineDataRoot('f', join(root, 'link-in'), [root], { mustExist: true }),
    join(root, 'link-in'),
  );
  // the API may not see a runner's disk: a folder absent here is judged by its path alone
  assert.equal(confineDataRoot('f', join(root, 'later'), [root]), join(root, 'later'));
});

test('outside, relative, "..", a link out, or no roots at all: refused with the allowed roots named', () => {
  refuses(
    '/etc',
    [root],
    /"\/etc" is outside the allowed roots; dataset folders must be inside BASIN_DATA_ROOTS \(/,
  );
  refuses(join(base, 'data-other'), [root], /outside the allowed roots/);
  refuses('data/domainnet', [root], /expected an absolute folder/);
  refuses(`${root}/domainnet/../../private`, [root], /contains '\.\.'/);
  refuses(
    join(root, 'link-out'),
    [root],
    /leads to .*private \(through a symbolic link\), outside the allowed roots/,
  );
  refuses(join(root, 'domainnet'), [], /no dataset folders are allowed: set BASIN_DATA_ROOTS/);
  refuses(join(root, 'later'), [root], /does not exist on this machine/, { mustExist: true });
});
