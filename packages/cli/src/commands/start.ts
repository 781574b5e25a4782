import { availableParallelism } from 'node:os';
import {
  type BindHost,
  createApiToken,
  dialHost,
  ensureTeam,
  openDatabase,
  resolveAuthMode,
  resolveBasinHome,
  resolveBindHost,
  resolveDatabaseTarget,
  revokeApiToken,
  shownHost,
} from '@basin/db';
import { ensureBuilt } from '@basin/kernels';
import { parseCommandArgs } from '../args';
import { type Command, UsageError } from '../command';
import { assertPortFree, parsePort } from '../start/ports';
import { discoverServices } from '../start/services';
import { Supervisor } from '../start/supervisor';
import { GraphQLClient, waitForApi } from '../study/client';
import { runStudy } from '../study/orchestrate';
import { formatOutcome, planFromArgs } from './study';

const usage = `usage: basin start [--runners N] [--no-study] [--scale S] [--source D] [--target D]…

Starts Basin on this machine: the GraphQL API, the dashboard and runners, on PostgreSQL at DATABASE_URL or,
when it is unset, on an embedded database in BASIN_HOME (default ./.basin). Ctrl-C stops everything.

options:
  --runners N   runner processes to start (default: BASIN_RUNNERS, else 2 where there are 2+ CPUs)
  --no-study    do not start the default study
  --scale S     size of the default study: tiny, small (default, ~11 min on 2 cores), medium, large
  --source D    its pretraining dataset; --target D (repeatable) its targets (see 'basin study --help')
`;

export const start: Command = {
  name: 'start',
  summary: 'start the API, the dashboard and a runner (embedded database unless DATABASE_URL is set)',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs('start', argv, {
      runners: { type: 'string' },
      'no-study': { type: 'boolean' },
      scale: { type: 'string' },
      source: { type: 'string' },
      target: { type: 'string', multiple: true },
    });
    const plan = values['no-study'] ? null : planFromArgs('start', values);
    const env = io.env;
    // Two runners train ~1.4× more images per second than one on 2 cores (small convolutions leave a core idle
    // between kernels; measured with two concurrent fine-tunes: 2 × 1,050 vs 1,500 img/s).
    const runners = Number(values.runners ?? env.BASIN_RUNNERS ?? Math.min(2, availableParallelism()));
    if (!Number.isInteger(runners) || runners < 0 || runners > 64) {
      throw new UsageError(
        `basin start: --runners must be an integer from 0 to 64, got '${values.runners ?? env.BASIN_RUNNERS}'`,
      );
    }
    const apiPort = parsePort('API_PORT', env.API_PORT, 4000);
    const webPort = parsePort('WEB_PORT', env.WEB_PORT, 3000);
    const home = resolveBasinHome(env);
    const authMode = resolveAuthMode(env); // checked before anything starts: a bad BASIN_AUTH is one line
    // this machine only unless API_HOST / WEB_HOST say otherwise (and auth is on, or BASIN_INSECURE_BIND=1)
    const apiBind = resolveBindHost(env, 'API_HOST', authMode);
    const webBind = resolveBindHost(env, 'WEB_HOST', authMode);
    // how this machine reaches the API (the dashboard's server, the default study): the bound address itself
    const apiUrl = `http://${dialHost(apiBind.host)}:${apiPort}/graphql`;
    const { present, missing } = discoverServices();
    if (present.some((s) => s.name === 'api')) await assertPortFree('API_PORT', apiPort);
    if (present.some((s) => s.name === 'web')) await assertPortFree('WEB_PORT', webPort);

    const target = resolveDatabaseTarget(env);
    const reach = (b: BindHost) =>
      b.loopback ? 'this machine only' : `${b.host}, auth ${authMode === 'off' ? 'OFF' : 'by token'}`;
    const lines = [
      'Basin — what is being transferred in transfer learning',
      `  dashboard  ${present.some((s) => s.name === 'web') ? `http://${shownHost(webBind.host)}:${webPort}  (${reach(webBind)})` : '(not in this build)'}`,
      `  GraphQL    ${present.some((s) => s.name === 'api') ? `http://${shownHost(apiBind.host)}:${apiPort}/graphql  (subscriptions: ws://…/graphql; ${reach(apiBind)})` : '(not in this build)'}`,
      `  database   ${target.mode === 'server' ? target.display : `embedded PGlite in ${target.dataDir}`}`,
      `  runners    ${present.some((s) => s.name === 'runner') ? runners : '(not in this build)'}`,
      `  home       ${home}`,
      ...(missing.length ? [`  not started: ${missing.join(', ')} (not in this build yet)`] : []),
      'Press Ctrl-C to stop.',
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    const t0 = Date.now();
    const db = await openDatabase({ env });
    io.stdout.write(`[basin] database ready and migrated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const supervisor = new Supervisor({
      env: {
        ...env,
        DATABASE_URL: db.url,
        BASIN_HOME: home,
        API_PORT: String(apiPort),
        WEB_PORT: String(webPort),
        API_HOST: apiBind.host,
        WEB_HOST: webBind.host,
        BASIN_API_URL: env.BASIN_API_URL ?? apiUrl,
        BASIN_EMBEDDED: db.mode === 'embedded' ? '1' : '',
        // progress bars redraw in place on a terminal: service chatter would tear them
        BASIN_LOG_LEVEL:
          env.BASIN_LOG_LEVEL ?? (plan && (io.stdout as { isTTY?: boolean }).isTTY ? 'warn' : 'info'),
      },
      out: io.stdout,
    });
    // The runners train and run CKA on the native kernels where they build: on a fresh checkout (or after their
    // sources changed) this compiles them once, ~10 s on 2 cores, and says so in one line; it never fails the start.
    if (present.some((s) => s.name === 'runner') && runners > 0)
      io.stdout.write(`${ensureBuilt(env).line}\n`);
    // N runners share the CPUs: each trains on CPUs / N threads (2 runners × 1 thread measured ~9% faster on 2
    // cores than 2 × 2 threads fighting over them), unless BASIN_RUNNER_THREADS says otherwise
    const runnerThreads =
      env.BASIN_RUNNER_THREADS ??
      String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, runners))));
    for (const spec of present) {
      if (spec.name === 'runner')
        for (let i = 1; i <= runners; i++)
          supervisor.start({ ...spec, env: { BASIN_RUNNER_THREADS: runnerThreads } }, `runner-${i}`);
      else supervisor.start(spec);
    }

    const hasApi = present.some((x) => x.name === 'api');
    const hasRunner = present.some((x) => x.name === 'runner') && runners > 0;
    // With API tokens required (a server's default), the study gets a token of its own for this start only.
    let studyToken = env.BASIN_TOKEN;
    let revoke = async () => {};
    if (plan && hasApi && hasRunner && authMode === 'token' && !studyToken) {
      const team = await ensureTeam(db.sql, env.BASIN_TEAM?.trim() || 'default');
      const made = await createApiToken(db.sql, { teamId: team.id, name: 'basin start: default study' });
      studyToken = made.token;
      revoke = async () => {
        await revokeApiToken(db.sql, team.id, made.row.id);
      };
      io.stdout.write(
        `[basin] API tokens are required: the default study runs as team '${team.name}' with a token revoked at exit\n`,
      );
    }
    if (plan && hasApi && hasRunner) {
      try {
        await waitForApi(apiUrl, io.signal);
        if (!io.signal.aborted) {
          io.stdout.write(`[basin] default study: ${plan.name} — follow it live on the dashboard\n`);
          const outcome = await runStudy({
            client: new GraphQLClient(apiUrl, studyToken),
            plan,
            out: io.stdout,
            signal: io.signal,
          });
          io.stdout.write(
            `\n${formatOutcome(outcome)}\n\n[basin] the study is done; Basin keeps running until Ctrl-C\n`,
          );
        }
      } catch (err) {
        if (!io.signal.aborted) io.stdout.write(`[basin] default study stopped: ${(err as Error).message}\n`);
      }
    } else if (plan) {
      io.stdout.write(
        `[basin] default study not started: it needs the API and a runner (use --no-study to silence this)\n`,
      );
    }
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    io.stdout.write('[basin] stopping: services first, then the database…\n');
    await supervisor.stop();
    await revoke().catch(() => {});
    await db.close();
    io.stdout.write('[basin] stopped cleanly\n');
    return 0;
  },
};
