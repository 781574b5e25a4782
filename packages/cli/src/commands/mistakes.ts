import { type MistakeCounts, multiclassMistakes, multilabelMistakes } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { asUsage, fmt, json, loadNpyFile, positionals, table } from './analysis-io';

const usage = `usage: basin mistakes --labels L.npy A.npy B.npy [--task multiclass|multilabel] [--threshold T] [--json]

Compares the mistakes of two models on the same test set.
Multiclass: L is (n,) class ids (or (n, classes) one-hot with --task multiclass); A and B are (n,) predicted
classes or (n, classes) logits/probabilities (argmax).
Multilabel: L is (n, labels) of 0/1; A and B are (n, labels) scores, a label predicted when score ≥ T.
The task defaults to multilabel for 2-D labels (except (n, 1)), multiclass otherwise.

options:
  --labels L.npy  the true labels (required)
  --task T        multiclass or multilabel (default: from the labels' shape)
  --threshold T   multilabel decision threshold (default 0.5; use 0 for logits)
  --json          print one JSON object: {"task", "n", "common", "onlyA", "onlyB", "uncommon", "bothCorrect",
                  "accuracyA", "accuracyB", "agreement", "commonShare"[, "threshold", "perLabel"]}
`;

function rows(r: MistakeCounts): [string, string | number][] {
  const pct = (k: number) => `${k}  (${((100 * k) / r.n).toFixed(2)}%)`;
  return [
    ['common (both wrong)', pct(r.common)],
    ['only A wrong', pct(r.onlyA)],
    ['only B wrong', pct(r.onlyB)],
    ['uncommon (exactly one)', pct(r.uncommon)],
    ['both correct', pct(r.bothCorrect)],
    ['accuracy A', r.accuracyA],
    ['accuracy B', r.accuracyB],
    ['agreement', r.agreement],
  ];
}

export const mistakes: Command = {
  name: 'mistakes',
  summary: 'common and uncommon mistakes of two models (multiclass or multilabel .npy)',
  usage,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('mistakes', argv, {
      labels: { type: 'string' },
      threshold: { type: 'string' },
      task: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.labels) throw new UsageError('basin mistakes: --labels L.npy is required');
    const [ap, bp] = positionals('mistakes', pos, ['A.npy', 'B.npy']) as [string, string];
    const threshold = values.threshold === undefined ? 0.5 : Number(values.threshold);
    if (!Number.isFinite(threshold)) {
      throw new UsageError(`basin mistakes: --threshold must be a number, got '${values.threshold}'`);
    }
    const labels = loadNpyFile('mistakes', values.labels);
    const a = loadNpyFile('mistakes', ap);
    const b = loadNpyFile('mistakes', bp);
    const names: [string, string, string] = [values.labels, ap, bp];
    const task =
      values.task ?? (labels.shape.length === 2 && labels.shape[1] !== 1 ? 'multilabel' : 'multiclass');
    if (task !== 'multiclass' && task !== 'multilabel') {
      throw new UsageError(`basin mistakes: --task must be multiclass or multilabel, got '${task}'`);
    }
    if (task === 'multilabel') {
      const r = asUsage('mistakes', () => multilabelMistakes(labels, a, b, threshold, names));
      if (values.json) {
        io.stdout.write(json({ task: 'multilabel', ...r }));
      } else {
        io.stdout.write(
          `multilabel, ${r.perLabel.length} labels × ${r.n / r.perLabel.length} examples, threshold ${threshold}\n`,
        );
        io.stdout.write(table(rows(r)));
        io.stdout.write('\nlabel  common  onlyA  onlyB  agreement\n');
        r.perLabel.forEach((l, i) => {
          io.stdout.write(
            `${String(i).padStart(5)}  ${String(l.common).padStart(6)}  ${String(l.onlyA).padStart(5)}  ${String(l.onlyB).padStart(5)}  ${fmt(l.agreement).padStart(9)}\n`,
          );
        });
      }
      return 0;
    }
    const flat =
      labels.shape.length === 2 && labels.shape[1] === 1 ? { ...labels, shape: [labels.shape[0]!] } : labels;
    const r = asUsage('mistakes', () => multiclassMistakes(flat, a, b, names));
    if (values.json) io.stdout.write(json({ task: 'multiclass', ...r }));
    else io.stdout.write(`multiclass, ${r.n} examples\n${table(rows(r))}`);
    return 0;
  },
};
