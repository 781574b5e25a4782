import { readNpy } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { asUsage, json, positionals, readInput, table } from './analysis-io';

const usage = `usage: basin npy-info FILE.npy [--json]

Describes a .npy file: dtype, shape, and min / max / mean with counts of NaN and ±Inf.

options:
  --json   print one JSON object: {"file", "dtype", "shape", "size", "min", "max", "mean", "nan", "inf"}
`;

export const npyInfo: Command = {
  name: 'npy-info',
  summary: 'dtype, shape and value range of a .npy file',
  usage,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('npy-info', argv, { json: { type: 'boolean' } });
    const [path] = positionals('npy-info', pos, ['FILE.npy']) as [string];
    const bytes = readInput('npy-info', path);
    const arr = asUsage('npy-info', () => readNpy(bytes, path));
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let finite = 0;
    let nan = 0;
    let inf = 0;
    for (const raw of arr.data) {
      const v = Number(raw);
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
      else {
        finite++;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const stats = {
      file: path,
      dtype: arr.dtype,
      shape: arr.shape,
      size: arr.data.length,
      min: finite ? min : null,
      max: finite ? max : null,
      mean: finite ? sum / finite : null,
      nan,
      inf,
    };
    if (values.json) io.stdout.write(json(stats));
    else {
      io.stdout.write(
        table([
          ['file', path],
          ['dtype', arr.dtype],
          ['shape', `(${arr.shape.join(', ')})`],
          ['min', stats.min ?? '-'],
          ['max', stats.max ?? '-'],
          ['mean', stats.mean ?? '-'],
          ['NaN / Inf', `${nan} / ${inf}`],
        ]),
      );
    }
    return 0;
  },
};
