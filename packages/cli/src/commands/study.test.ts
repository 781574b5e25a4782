import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FindingRow, TableRow } from '../study/orchestrate';
import { formatOutcome } from './study';

const stat = (label: string, mean: number | null, std: number | null, n: number) => ({
  label,
  mean,
  std,
  n,
  values: mean === null ? [] : Array.from({ length: n }, () => mean),
});

test('the terminal shows the findings and tables exactly as the API returned them, nulls included', () => {
  const findings: FindingRow[] = [
    {
      id: 'cka:MNIST (small)',
      claimId: 'cka',
      claim: 'Two P-T models have more similar features (CKA) than two RI-T models',
      target: 'MNIST (small)',
      measured: 'mean CKA over modules P-T/P-T 0.910 ± 0.010 vs RI-T/RI-T 0.510 ± 0.010 (3 pairs)',
      verdict: 'HOLDS',
      holds: true,
      criterion: 'mean CKA(P-T/P-T) − CKA(RI-T/RI-T) > 0',
      flags: [],
      evidence: [stat('P-T/P-T', 0.91, 0.01, 3)],
    },
    {
      id: 'barrier-pt:MNIST (small)',
      claimId: 'barrier-pt',
      claim: 'No performance barrier between two P-T models (same basin)',
      target: 'MNIST (small)',
      measured: 'error barrier P-T/P-T 0.4% ± 0.3 (3 pairs; tolerance 2.0%)',
      verdict: 'INCONCLUSIVE',
      holds: null,
      criterion: 'error barrier < 2.0%',
      flags: ['end point λ=0 scores 80.0% but its run ended at 97.0%'],
      evidence: [],
    },
  ];
  const tables: TableRow[] = [
    {
      id: 'cka:MNIST (small)',
      title: 'CKA per module (Table 1)',
      target: 'MNIST (small)',
      columns: ['', 'P-T/P-T', 'RI-T/RI-T', 'P-T/RI-T'],
      rows: [
        { label: 'conv1', cells: [stat('P-T/P-T', 0.91, 0.01, 3), null, stat('P-T/RI-T', null, null, 0)] },
      ],
      note: 'linear CKA',
    },
  ];
  const text = formatOutcome({ studyId: '7', findings, tables, failures: [], seconds: 312.4 });
  assert.match(text, /^Findings \(study 7, 312 s\)$/m);
  assert.match(text, /^Target: MNIST \(small\)$/m);
  assert.match(
    text,
    /similar features \(CKA\) than two RI-T models +holds +mean CKA over modules P-T\/P-T 0\.910/,
  );
  assert.match(text, /same basin\) +inconclusive +error barrier/);
  assert.match(text, /⚠ end point λ=0 scores 80\.0% but its run ended at 97\.0%/);
  assert.match(text, /^Verdicts: holds when the difference clears its threshold/m);
  assert.match(text, /^CKA per module \(Table 1\) — MNIST \(small\)$/m);
  assert.match(text, /^conv1 +0\.910 ± 0\.010 +— +—$/m);
});
