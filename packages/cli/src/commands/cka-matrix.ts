import { ckaMatrix } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { asUsage, json, loadNpyFile } from './analysis-io';

const usage = `usage: basin cka-matrix --a A0.npy [--a A1.npy …] --b B0.npy [--b B1.npy …] [--debiased] [--json]

CKA between every layer of model A and every layer of model B, on the same n examples (each file (n, …)).
Each layer's self-similarity (and, in the Gram form, its Gram matrix) is computed once.

options:
  --a FILE     a layer of model A (repeat, in layer order)
  --b FILE     a layer of model B (repeat)
  --debiased   debiased CKA
  --json       print one JSON object: {"cka": [[A_i vs B_j]], "a": [...], "b": [...], "debiased", "method"}
`;

export const ckaMatrixCommand: Command = {
  name: 'cka-matrix',
  summary: 'CKA between every layer pair of two models (.npy per layer)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('cka-matrix', argv, {
      a: { type: 'string', multiple: true },
      b: { type: 'string', multiple: true },
      debiased: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const a = values.a ?? [];
    const b = values.b ?? [];
    if (positionals.length)
      throw new UsageError(`basin cka-matrix: unexpected argument '${positionals[0]}' (use --a/--b)`);
    if (!a.length || !b.length)
      throw new UsageError('basin cka-matrix: give at least one --a and one --b file');
    const xs = a.map((p) => loadNpyFile('cka-matrix', p));
    const ys = b.map((p) => loadNpyFile('cka-matrix', p));
    const debiased = values.debiased ?? false;
    const r = asUsage('cka-matrix', () => ckaMatrix(xs, ys, { debiased }, { x: a, y: b }));
    if (values.json) {
      io.stdout.write(json({ cka: r.cka, a, b, debiased, method: r.method }));
      return 0;
    }
    const w = Math.max(...a.map((p) => p.length), 4);
    io.stdout.write(`${debiased ? 'debiased' : 'linear'} CKA (${r.method} form); rows: --a, columns: --b\n`);
    b.forEach((p, j) => {
      io.stdout.write(`  B${j} = ${p}\n`);
    });
    io.stdout.write(`${''.padEnd(w)}  ${b.map((_, j) => `B${j}`.padStart(8)).join('  ')}\n`);
    r.cka.forEach((row, i) => {
      io.stdout.write(`${a[i]!.padEnd(w)}  ${row.map((v) => v.toFixed(4).padStart(8)).join('  ')}\n`);
    });
    return 0;
  },
};
