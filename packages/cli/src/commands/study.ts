import { CRITERION, formatFindings, formatTables } from '@basin/analysis/findings';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { GraphQLClient, waitForApi } from '../study/client';
import { runStudy } from '../study/orchestrate';
import { SCALES, type Scale, type StudyPlan, studyPlan } from '../study/plan';

const usage = `usage: basin study [--scale tiny|small|medium|large] [--source DATASET] [--target DATASET]… [--api URL] [--json]

Runs the default study against a running Basin (see 'basin start'): pretrain on the source, fine-tune P-T and RI-T
on each target, block-shuffle and checkpoint sweeps, then every analysis; prints a findings table at the end.
Re-running it resumes the same study.

datasets: mnist, fashion-mnist, synthetic:<photo|clipart|sketch|quickdraw|painting>,
          domainnet:/path/to/domain, chexpert:/path, image-folder:/path
options:
  --scale S     tiny (CI), small (default, ~11 min on 2 cores), medium, large
  --source D    pretraining dataset (default fashion-mnist)
  --target D    fine-tuning target, repeatable (default: mnist and synthetic:quickdraw)
  --api URL     GraphQL endpoint (default: BASIN_API_URL or http://localhost:API_PORT/graphql)
  --token T     API token (default: BASIN_TOKEN)
  --json        print one JSON object (study id, findings, the paper's tables, failures, seconds) instead
`;

/** Reads --scale/--source/--target into a plan; a UsageError naming the bad value otherwise. */
export function planFromArgs(
  command: string,
  values: { scale?: string; source?: string; target?: string[] },
): StudyPlan {
  const scale = (values.scale ?? 'small') as Scale;
  if (!SCALES.includes(scale))
    throw new UsageError(
      `basin ${command}: --scale must be one of ${SCALES.join(', ')}, got '${values.scale}'`,
    );
  try {
    return studyPlan({
      scale,
      source: values.source,
      targets: values.target?.length ? values.target : undefined,
    });
  } catch (err) {
    throw new UsageError(`basin ${command}: ${(err as Error).message}`);
  }
}

export const study: Command = {
  name: 'study',
  summary: 'run (or resume) the default study on a running Basin and print its findings',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs('study', argv, {
      scale: { type: 'string' },
      source: { type: 'string' },
      target: { type: 'string', multiple: true },
      api: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
    });
    const plan = planFromArgs('study', values);
    const url = values.api ?? io.env.BASIN_API_URL ?? `http://localhost:${io.env.API_PORT ?? 4000}/graphql`;
    await waitForApi(url, io.signal, 10_000).catch(() => {
      throw new UsageError(
        `basin study: no Basin API answers at ${url}; start one with 'basin start' or pass --api`,
      );
    });
    const client = new GraphQLClient(url, values.token ?? io.env.BASIN_TOKEN);
    const outcome = await runStudy({
      client,
      plan,
      out: values.json ? io.stderr : io.stdout,
      signal: io.signal,
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(outcome)}\n`);
    } else {
      io.stdout.write(`\n${formatOutcome(outcome)}\n`);
    }
    return outcome.failures.length > 0 ? 1 : 0;
  },
};

/** The findings and tables the API computed, and any failures, as the terminal shows them. */
export function formatOutcome(o: Awaited<ReturnType<typeof runStudy>>): string {
  const lines = [
    `Findings (study ${o.studyId}, ${Math.round(o.seconds)} s)`,
    formatFindings(o.findings),
    '',
    `Verdicts: ${CRITERION}.`,
    '',
    formatTables(o.tables),
  ];
  if (o.failures.length) lines.push('', 'Did not finish:', ...o.failures.map((f) => `  ${f}`));
  return lines.join('\n');
}
