import { barrierOf } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { asUsage, json, loadNpyFile, positionals, readInput, table } from './analysis-io';

const usage = `usage: basin barrier CURVE.(json|npy) [--json]

Barrier of an interpolation curve: max over λ of the curve minus the straight line between its ends, for the loss
and (if given) the error. CURVE is a .npy of shape (points, 2 or 3) with columns λ, loss[, error], or JSON:
{"lambdas": [...], "loss": [...], "error": [...]} or [{"lambda", "loss", "error"}, ...].

options:
  --json   print one JSON object: {"lossBarrier", "lossLambda"[, "errorBarrier", "errorLambda"], "points"}
`;

interface Curve {
  lambdas: number[];
  loss: number[];
  error?: number[];
}

function fromJson(path: string, text: string): Curve {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`basin barrier: ${path}: not valid JSON (${(err as Error).message})`);
  }
  const nums = (x: unknown, what: string): number[] => {
    if (!Array.isArray(x) || !x.every((n) => typeof n === 'number')) {
      throw new UsageError(`basin barrier: ${path}: '${what}' must be an array of numbers`);
    }
    return x;
  };
  if (Array.isArray(v)) {
    const pts = v as { lambda?: unknown; loss?: unknown; error?: unknown }[];
    const c: Curve = {
      lambdas: nums(
        pts.map((p) => p?.lambda),
        'lambda',
      ),
      loss: nums(
        pts.map((p) => p?.loss),
        'loss',
      ),
    };
    if (pts.every((p) => p?.error !== undefined))
      c.error = nums(
        pts.map((p) => p.error),
        'error',
      );
    return c;
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const c: Curve = { lambdas: nums(o.lambdas, 'lambdas'), loss: nums(o.loss, 'loss') };
  if (o.error !== undefined) c.error = nums(o.error, 'error');
  return c;
}

export const barrier: Command = {
  name: 'barrier',
  summary: 'loss and error barrier of an interpolation curve (.npy or .json)',
  usage,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('barrier', argv, { json: { type: 'boolean' } });
    const [path] = positionals('barrier', pos, ['CURVE']) as [string];
    let curve: Curve;
    if (path.endsWith('.json')) {
      curve = fromJson(path, new TextDecoder().decode(readInput('barrier', path)));
    } else {
      const t = loadNpyFile('barrier', path);
      const cols = t.shape[1];
      if (t.shape.length !== 2 || (cols !== 2 && cols !== 3)) {
        throw new UsageError(
          `basin barrier: ${path}: expected shape (points, 2 or 3), got (${t.shape.join(', ')})`,
        );
      }
      const col = (j: number) => Array.from({ length: t.shape[0]! }, (_, i) => t.data[i * cols + j]!);
      curve = { lambdas: col(0), loss: col(1) };
      if (cols === 3) curve.error = col(2);
    }
    const loss = asUsage('barrier', () => barrierOf(curve.lambdas, curve.loss));
    const error = curve.error ? asUsage('barrier', () => barrierOf(curve.lambdas, curve.error!)) : undefined;
    if (values.json) {
      io.stdout.write(
        json({
          lossBarrier: loss.barrier,
          lossLambda: loss.lambda,
          ...(error ? { errorBarrier: error.barrier, errorLambda: error.lambda } : {}),
          points: curve.lambdas.length,
        }),
      );
    } else {
      const rows: [string, string | number][] = [
        ['points', curve.lambdas.length],
        ['loss barrier', loss.barrier],
        ['  at λ', loss.lambda],
      ];
      if (error) rows.push(['error barrier', error.barrier], ['  at λ', error.lambda]);
      io.stdout.write(table(rows));
    }
    return 0;
  },
};
