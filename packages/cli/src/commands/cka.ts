import { linearCka } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { asUsage, json, loadNpyFile, positionals, table } from './analysis-io';

const usage = `usage: basin cka X.npy Y.npy [--debiased] [--method auto|feature|gram] [--json]

Linear CKA between two representations of the same n examples: X is (n, …) and Y is (n, …) (each example is
flattened). Columns are centred; sums are float64.

options:
  --debiased   debiased CKA (unbiased HSIC; needs n ≥ 4)
  --method M   feature (n ≫ d), gram (d ≫ n) or auto (default)
  --json       print one JSON object: {"cka", "debiased", "method", "n", "dx", "dy", "x", "y"}
`;

export const cka: Command = {
  name: 'cka',
  summary: 'linear or debiased CKA between two .npy feature arrays',
  usage,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('cka', argv, {
      debiased: { type: 'boolean' },
      method: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [xp, yp] = positionals('cka', pos, ['X.npy', 'Y.npy']) as [string, string];
    const method = values.method ?? 'auto';
    if (method !== 'auto' && method !== 'feature' && method !== 'gram') {
      throw new UsageError(`basin cka: --method must be auto, feature or gram, got '${method}'`);
    }
    const x = loadNpyFile('cka', xp);
    const y = loadNpyFile('cka', yp);
    const debiased = values.debiased ?? false;
    const r = asUsage('cka', () => linearCka(x, y, { debiased, method }, [xp, yp]));
    if (values.json) {
      io.stdout.write(json({ ...r, x: xp, y: yp }));
    } else {
      io.stdout.write(
        table([
          [debiased ? 'debiased CKA' : 'linear CKA', r.cka.toFixed(6)],
          ['examples', r.n],
          ['X features', `${r.dx}  (${xp}, shape [${x.shape.join(', ')}])`],
          ['Y features', `${r.dy}  (${yp}, shape [${y.shape.join(', ')}])`],
          ['method', r.method],
        ]),
      );
    }
    return 0;
  },
};
