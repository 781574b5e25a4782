import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluateFindings,
  findingsTables,
  formatFindings,
  formatTables,
  type RunOutcome,
  type TargetMeasurements,
} from './findings';

const run = (seed: number, accuracy: number, speed: number, o: Partial<RunOutcome> = {}): RunOutcome => ({
  runId: String(seed),
  seed,
  accuracy,
  speed,
  speedEpochs: 2,
  converged: true,
  epochs: 9,
  chance: 0.1,
  ...o,
});
const pairs = <T>(f: (t: 'PT_PT' | 'RIT_RIT' | 'PT_RIT', i: number) => T) =>
  (['PT_PT', 'RIT_RIT', 'PT_RIT'] as const).flatMap((t) => [0, 1, 2].map((i) => f(t, i)));
const modules = ['conv1', 'layer1.0', 'layer2.0', 'layer3.0', 'fc'];

/** A study that reproduces the paper, 3 seeds, small seed-to-seed noise. */
const paperLike = (): TargetMeasurements => ({
  target: 'MNIST (small)',
  side: 28,
  pretrained: [run(0, 0.97, 0.9), run(1, 0.972, 0.91), run(2, 0.968, 0.905)],
  random: [run(0, 0.962, 0.6), run(1, 0.96, 0.62), run(2, 0.965, 0.58, { epochs: 13 })],
  mistakes: pairs((t, i) => ({ pairType: t, value: (t === 'PT_PT' ? 0.02 : 0.05) + i / 1000, common: 0.02 })),
  cka: pairs((t, i) => ({
    pairType: t,
    value: (t === 'PT_PT' ? 0.9 : 0.5) + i / 100,
    modules: modules.map((m) => ({ module: m, value: (t === 'PT_PT' ? 0.9 : 0.5) + i / 100 })),
  })),
  distance: pairs((t, i) => ({
    pairType: t,
    value: (t === 'PT_PT' ? 5 : 40) + i,
    modules: modules.map((m) => ({ module: m, value: 1 + i })),
  })),
  barrier: pairs((t, i) => ({ pairType: t, value: t === 'PT_PT' ? 0.002 * i : 0.2 + i / 100 })).filter(
    (p) => p.pairType !== 'PT_RIT',
  ),
  criticality: [0, 1, 2].map((seed) => ({
    init: 'PRETRAINED' as const,
    seed,
    modules: modules.map((module, i) => ({
      module,
      value: i === 4 ? Number.POSITIVE_INFINITY : (i + 1) * (seed + 1),
    })),
  })),
  blockShuffle: [
    { blockSize: null, label: 'none', drop: [30, 32, 31], speed: [0.8, 0.82, 0.81] },
    { blockSize: 7, label: '7', drop: [20, 18, 21], speed: [0.7, 0.69, 0.72] },
    { blockSize: 4, label: '4', drop: [12, 14, 10], speed: [0.6, 0.62, 0.58] },
    { blockSize: 0, label: '*', drop: [2, 1, 3], speed: [0.45, 0.44, 0.46] },
  ].map((r) => ({
    blockSize: r.blockSize,
    label: r.label,
    pretrained: [0.9, 0.91, 0.92],
    random: [0.7, 0.7, 0.7],
    relativeDrop: r.drop,
    pretrainedSpeed: r.speed,
    randomSpeed: [0.4, 0.4, 0.4],
  })),
  checkpointSweep: [
    { epoch: 1, accuracy: [0.9, 0.91, 0.9] },
    { epoch: 2, accuracy: [0.95, 0.955, 0.952] },
    { epoch: 3, accuracy: [0.965, 0.962, 0.966] },
    { epoch: 4, accuracy: [0.966, 0.963, 0.967] },
  ],
});

test('a study that reproduces the paper: every claim holds on its target, with mean ± std', () => {
  const f = evaluateFindings({ targets: [paperLike()] });
  assert.equal(f.length, 10);
  for (const x of f) {
    assert.equal(x.verdict, 'HOLDS', `${x.id}: ${x.measured} ${x.flags.join('; ')}`);
    assert.equal(x.holds, true);
    assert.equal(x.target, 'MNIST (small)');
    assert.ok(x.id.endsWith(':MNIST (small)'));
    assert.ok(x.criterion.length > 0);
  }
  const byId = Object.fromEntries(f.map((x) => [x.claimId, x]));
  assert.equal(
    byId['pt-final']!.measured,
    'final test accuracy P-T 97.0% ± 0.2 vs RI-T 96.2% ± 0.3 (+0.8 points; 3 seeds; 9–13 epochs to the plateau)',
  );
  assert.match(
    byId['feature-reuse']!.measured,
    /ρ = 1\.00 ± 0\.00 \(3 seeds\); speed lead by block: none 50\.6 ± 0\.6%, 7 43\.1 ± 1\.2%, 4 33\.3 ± 2\.2%, \* 11\.1 ± 2\.0%; final-accuracy drop: none 31\.0 ± 1\.0%, 7 19\.7 ± 1\.5%, 4 12\.0 ± 2\.0%, \* 2\.0 ± 1\.0%/,
  );
  assert.match(
    byId.criticality!.measured,
    /ρ = 1\.00 ± 0\.00 \(3 models\); median μ by module: conv1 2\.00, .*fc ∞/,
  );
  assert.deepEqual(
    byId.cka!.evidence.map((e) => [e.label, e.n]),
    [
      ['P-T/P-T', 3],
      ['RI-T/RI-T', 3],
      ['P-T/RI-T', 3],
    ],
  );
});

test('the opposite numbers make each claim fail', () => {
  const t = paperLike();
  t.random = t.pretrained!.map((r) => ({ ...r, speed: r.speed! + 0.1, accuracy: r.accuracy + 0.05 }));
  t.cka = t.cka!.map((p) => ({ ...p, value: p.pairType === 'PT_PT' ? p.value - 0.5 : p.value + 0.3 }));
  t.distance = t.distance!.map((p) => ({ ...p, value: p.pairType === 'PT_PT' ? p.value * 20 : p.value }));
  t.barrier = t.barrier!.map((p) => ({
    ...p,
    value: p.pairType === 'PT_PT' ? 0.3 + p.value : 0.001 * p.value,
  }));
  t.blockShuffle = t.blockShuffle!.map((r) => ({
    ...r,
    pretrainedSpeed: r.pretrainedSpeed.map((v) => 1.3 - v),
  }));
  t.criticality = t.criticality!.map((c) => ({
    ...c,
    modules: c.modules.map((m, i) => ({ ...m, value: 10 - i })),
  }));
  t.checkpointSweep = t.checkpointSweep!.map((p) =>
    p.epoch === 4 ? { ...p, accuracy: [0.99, 0.991, 0.99] } : p,
  );
  const f = evaluateFindings({ targets: [t] });
  for (const x of f.filter((x) => x.claimId !== 'mistakes'))
    assert.equal(x.verdict, 'DOES_NOT_HOLD', `${x.id}: ${x.measured}`);
});

test('flagged inputs and single seeds make a claim inconclusive, never a ✓, and say why', () => {
  const t = paperLike();
  t.random = [run(0, 0.11, 0.1, { converged: false, epochs: 16 }), ...t.random!.slice(1)];
  t.flags = { MODULE_CRITICALITY: ['P-T seed 0 scores 10.5% on its evaluation data (chance 10.0%)'] };
  t.blockShuffle = t.blockShuffle!.map((r) => ({ ...r, pretrainedSpeed: r.pretrainedSpeed.slice(0, 1) }));
  const byId = Object.fromEntries(evaluateFindings({ targets: [t] }).map((x) => [x.claimId, x]));
  assert.equal(byId['pt-final']!.verdict, 'INCONCLUSIVE');
  assert.deepEqual(byId['pt-final']!.flags, [
    'RI-T seed 0 stopped at its 16-epoch cap before its training loss plateaued',
    'RI-T seed 0 is near chance (11.0%)',
  ]);
  assert.equal(byId['pt-final']!.holds, null);
  assert.equal(byId.criticality!.verdict, 'INCONCLUSIVE');
  assert.equal(byId['feature-reuse']!.verdict, 'INCONCLUSIVE');
  assert.deepEqual(byId['feature-reuse']!.flags, ['1 value: no spread']);
  assert.equal(byId.cka!.verdict, 'HOLDS', 'other claims are not affected');
});

test('missing numbers say "not measured yet"; each target is judged on its own', () => {
  const f = evaluateFindings({ targets: [paperLike(), { target: 'quickdraw' }] });
  assert.equal(f.length, 20);
  for (const x of f.filter((x) => x.target === 'quickdraw')) {
    assert.equal(x.verdict, 'NOT_MEASURED', x.id);
    assert.equal(x.measured, 'not measured yet');
  }
});

test('the paper tables: CKA and ℓ2 per module per pair kind, mistakes, criticality, block size, checkpoints', () => {
  const tables = findingsTables({ targets: [paperLike()] });
  assert.deepEqual(
    tables.map((t) => t.id.split(':')[0]),
    ['transfer', 'cka', 'distance', 'mistakes', 'barrier', 'criticality', 'block-shuffle', 'checkpoints'],
  );
  const cka = tables.find((t) => t.id.startsWith('cka'))!;
  assert.deepEqual(cka.columns, ['', 'P-T/P-T', 'RI-T/RI-T', 'P-T/RI-T']);
  assert.deepEqual(
    cka.rows.map((r) => r.label),
    [...modules, 'all (mean / total)'],
  );
  const conv1 = cka.rows[0]!.cells;
  assert.ok(Math.abs(conv1[0]!.mean - 0.91) < 1e-12);
  assert.ok(Math.abs(conv1[0]!.std - 0.01) < 1e-12);
  assert.equal(conv1[0]!.n, 3);
  const crit = tables.find((t) => t.id.startsWith('criticality'))!;
  assert.equal(crit.rows[0]!.cells[1], null, 'no RI-T criticality measured');
  const text = formatTables(tables);
  assert.match(text, /^CKA per module \(Table 1\) — MNIST \(small\)$/m);
  assert.match(text, /^conv1 +0\.910 ± 0\.010 +0\.510 ± 0\.010 +0\.510 ± 0\.010$/m);
});

test('the terminal table lists every claim, its verdict and flags, target by target', () => {
  const t = paperLike();
  t.flags = { BARRIER: ['end point λ=0 scores 80.0% but its run ended at 97.0%'] };
  const text = formatFindings(evaluateFindings({ targets: [t] }));
  assert.match(text, /^Target: MNIST \(small\)$/m);
  assert.match(
    text,
    /No performance barrier between two P-T models \(same basin\) +inconclusive +error barrier/,
  );
  assert.match(text, /⚠ end point λ=0 scores 80\.0% but its run ended at 97\.0%/);
  assert.equal(text.split('\n').filter((l) => /holds|inconclusive|not measured/.test(l)).length, 10);
});
