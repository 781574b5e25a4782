import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignLayers, crossings, layoutGraph } from './layout';

test('layers follow the longest path: pretrain → checkpoint → fine-tune → checkpoint → analysis', () => {
  const edges: [string, string][] = [
    ['pre', 'c1'],
    ['c1', 'ft'],
    ['ft', 'c2'],
    ['c2', 'cka'],
    ['c1', 'cka'],
  ];
  const l = assignLayers(['cka', 'c2', 'ft', 'c1', 'pre'], edges);
  assert.deepEqual(
    ['pre', 'c1', 'ft', 'c2', 'cka'].map((id) => l.get(id)),
    [0, 1, 2, 3, 4],
  );
});

test('a cycle does not hang the layout', () => {
  const l = assignLayers(
    ['a', 'b'],
    [
      ['a', 'b'],
      ['b', 'a'],
    ],
  );
  assert.equal(l.size, 2);
});

test('barycenter ordering removes the crossing of two parallel chains listed crosswise', () => {
  const nodes = ['a', 'b', 'y', 'x'].map((id) => ({ id }));
  const edges: [string, string][] = [
    ['a', 'x'],
    ['b', 'y'],
  ];
  assert.equal(
    crossings(
      [
        ['a', 'b'],
        ['y', 'x'],
      ],
      edges,
    ),
    1,
  );
  const out = layoutGraph(nodes, edges);
  assert.equal(crossings(out.layers, edges), 0);
});

test('100 nodes: no two nodes overlap and every edge points to a later layer', () => {
  const nodes = [{ id: 'pre' }];
  const edges: [string, string][] = [];
  for (let c = 0; c < 9; c++) {
    nodes.push({ id: `c${c}` });
    edges.push(['pre', `c${c}`]);
    for (let f = 0; f < 10; f++) {
      nodes.push({ id: `f${c}.${f}` });
      edges.push([`c${c}`, `f${c}.${f}`]);
    }
  }
  assert.equal(nodes.length, 100);
  const out = layoutGraph(nodes, edges, { nodeHeight: 30, rowGap: 10, nodeWidth: 170 });
  const placed = [...out.nodes.values()];
  for (let i = 0; i < placed.length; i++)
    for (let j = i + 1; j < placed.length; j++) {
      const [p, q] = [placed[i]!, placed[j]!];
      const apart = Math.abs(p.x - q.x) >= 170 || Math.abs(p.y - q.y) >= 30;
      assert.ok(apart, `${p.id} overlaps ${q.id}`);
    }
  for (const [a, b] of edges) assert.ok(out.nodes.get(a)!.layer < out.nodes.get(b)!.layer);
  assert.equal(crossings(out.layers, edges), 0, 'a tree lays out without crossings');
});

test('ranks line fine-tunes up, analyses go last, empty layers are squeezed out', () => {
  const l = assignLayers(
    [
      { id: 'pre' },
      { id: 'c1' },
      { id: 'pt', rank: 2 },
      { id: 'rit', rank: 2 },
      { id: 'cpt' },
      { id: 'crit' },
      { id: 'sweep', last: true },
      { id: 'cka', last: true },
    ],
    [
      ['pre', 'c1'],
      ['c1', 'pt'],
      ['pt', 'cpt'],
      ['rit', 'crit'],
      ['cpt', 'cka'],
      ['c1', 'cka'],
    ],
  );
  assert.deepEqual(
    ['pre', 'c1', 'pt', 'rit', 'cpt', 'crit', 'sweep', 'cka'].map((id) => l.get(id)),
    [0, 1, 2, 2, 3, 3, 4, 4],
  );
  const alone = assignLayers(
    [
      { id: 'rit', rank: 2 },
      { id: 'a', last: true },
    ],
    [['rit', 'a']],
  );
  assert.deepEqual([alone.get('rit'), alone.get('a')], [0, 1], 'no empty columns before a lone RI-T run');
});

test('a parent sits beside its children, and the drawing starts at the top', () => {
  const nodes = [{ id: 'pre' }];
  const edges: [string, string][] = [];
  for (let r = 0; r < 6; r++) {
    nodes.push({ id: `r${r}` });
    edges.push(['pre', `r${r}`]);
    for (let c = 0; c < 4; c++) {
      nodes.push({ id: `r${r}c${c}` });
      edges.push([`r${r}`, `r${r}c${c}`]);
    }
  }
  const out = layoutGraph(nodes, edges, { nodeHeight: 30, rowGap: 10 });
  const y = (id: string) => out.nodes.get(id)!.y;
  assert.equal(Math.min(...[...out.nodes.values()].map((n) => n.y)), 0);
  for (let r = 0; r < 6; r++) {
    const kids = [0, 1, 2, 3].map((c) => y(`r${r}c${c}`));
    assert.ok(
      y(`r${r}`) >= Math.min(...kids) - 1 && y(`r${r}`) <= Math.max(...kids) + 1,
      `run ${r} beside its checkpoints`,
    );
  }
});
