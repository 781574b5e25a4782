import { parameterDistance } from '@basin/analysis';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { fmt, json, loadCheckpointFile, positionals, table } from './analysis-io';

const usage = `usage: basin distance CKPT_A CKPT_B [--per-module] [--json]

ℓ2 distance between the weights of two Basin checkpoints (.safetensors), matched by module and parameter name.
Modules whose shapes differ (e.g. a re-initialised head) are listed as excluded and left out of the total.

options:
  --per-module  also list each module's distance
  --json        print one JSON object: {"total", "perModule": [{"name", "distance", "normA", "normB", "size"}],
                "excluded": [{"name", "reason"}], "a", "b"}
`;

export const distance: Command = {
  name: 'distance',
  summary: 'ℓ2 parameter distance between two checkpoints, in total and per module',
  usage,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('distance', argv, {
      'per-module': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [ap, bp] = positionals('distance', pos, ['CKPT_A', 'CKPT_B']) as [string, string];
    const a = loadCheckpointFile('distance', ap);
    const b = loadCheckpointFile('distance', bp);
    const r = parameterDistance(a.modules, b.modules);
    if (values.json) {
      io.stdout.write(json({ ...r, a: ap, b: bp }));
      return 0;
    }
    const out: [string, string | number][] = [
      ['total ℓ2', r.total],
      ['modules compared', r.perModule.length],
    ];
    for (const e of r.excluded) out.push([`excluded ${e.name}`, e.reason]);
    io.stdout.write(table(out));
    if (values['per-module'] && r.perModule.length) {
      const w = Math.max(6, ...r.perModule.map((m) => m.name.length));
      io.stdout.write(
        `\n${'module'.padEnd(w)}  ${'distance'.padStart(12)}  ${'‖A‖'.padStart(12)}  ${'‖B‖'.padStart(12)}  params\n`,
      );
      for (const m of r.perModule) {
        io.stdout.write(
          `${m.name.padEnd(w)}  ${fmt(m.distance).padStart(12)}  ${fmt(m.normA).padStart(12)}  ${fmt(m.normB).padStart(12)}  ${m.size}\n`,
        );
      }
    }
    return 0;
  },
};
