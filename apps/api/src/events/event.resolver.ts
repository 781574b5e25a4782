import type { BasinEvent, CheckpointRow, RunRow } from '@basin/db';
import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { Checkpoint } from '../checkpoint/checkpoint.type';
import type { Context } from '../context';
import { notFound } from '../errors';
import { parseId } from '../ids';
import { Run } from '../run/run.type';
import { toLiveEvent } from './event.map';
import { LiveEvent } from './event.type';

interface SubscribeData {
  args: Record<string, string>;
  context: Context;
}

@Resolver(() => LiveEvent)
export class EventResolver {
  @Subscription(() => LiveEvent, {
    description: "A run's progress, status changes and saved checkpoints, as the runner publishes them.",
    subscribe: async ({ args, context }: SubscribeData) => {
      const id = parseId('runId', args.runId!);
      const run = await context.loaders.run.load(id);
      if (!run) throw notFound('run', args.runId!);
      return context.live.subscribe({ runId: id });
    },
  })
  runProgress(@Root() event: BasinEvent, @Arg('runId', () => ID) _runId: string): LiveEvent {
    return toLiveEvent(event);
  }

  @Subscription(() => LiveEvent, {
    description: 'Every event of the runs and analyses of a study.',
    subscribe: async ({ args, context }: SubscribeData) => {
      const id = parseId('studyId', args.studyId!);
      const study = await context.loaders.study.load(id);
      if (!study) throw notFound('study', args.studyId!);
      return context.live.subscribe({ studyId: id });
    },
  })
  studyEvents(@Root() event: BasinEvent, @Arg('studyId', () => ID) _studyId: string): LiveEvent {
    return toLiveEvent(event);
  }

  @FieldResolver(() => Run, { nullable: true })
  run(@Root() e: LiveEvent, @Ctx() ctx: Context): Promise<RunRow | null> | null {
    // a subscription's loaders live as long as it does: read fresh rows for each event
    return e.runId ? ctx.loaders.run.clear(e.runId).load(e.runId) : null;
  }

  @FieldResolver(() => Checkpoint, { nullable: true })
  checkpoint(@Root() e: LiveEvent, @Ctx() ctx: Context): Promise<CheckpointRow | null> | null {
    return e.checkpointId ? ctx.loaders.checkpoint.clear(e.checkpointId).load(e.checkpointId) : null;
  }
}
