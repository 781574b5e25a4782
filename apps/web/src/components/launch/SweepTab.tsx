'use client';

import { type FormEvent, useState } from 'react';
import { START_BLOCK_SWEEP, START_CHECKPOINT_SWEEP } from '../../lib/queries';
import { checkSweep, type SweepForm } from '../../lib/validate';
import {
  CheckpointOptions,
  type Context,
  DatasetSelect,
  FormErrors,
  HYPER,
  Hyper,
  Select,
  StudySelect,
  Text,
  useLaunch,
} from './shared';

export function SweepTab({
  ctx,
  studyId,
  checkpointId,
}: {
  ctx: Context;
  studyId: string;
  checkpointId: string;
}) {
  const [f, setF] = useState<SweepForm>({
    kind: 'BLOCK_SHUFFLE',
    studyId,
    datasetId: '',
    pretrainCheckpointId: checkpointId,
    pretrainRunId: '',
    blockSizes: '1, 2, 4, 8, *',
    seeds: '0, 1, 2',
    name: '',
    ...HYPER,
  });
  const set = (p: Partial<SweepForm>) => setF((x) => ({ ...x, ...p }));
  const block = useLaunch(START_BLOCK_SWEEP, checkSweep, (id) => `/analyses/${id}`);
  const ckpt = useLaunch(START_CHECKPOINT_SWEEP, checkSweep, (id) => `/analyses/${id}`);
  const { errors, other, fetching, submit } = f.kind === 'BLOCK_SHUFFLE' ? block : ckpt;
  const pretrains = ctx.runs.edges.map((e) => e.node).filter((r) => r.kind === 'PRETRAIN');
  return (
    <form
      className="form"
      noValidate
      aria-label="Start a sweep"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void submit(f);
      }}
    >
      <FormErrors other={other} errors={errors} />
      <fieldset>
        <legend>Sweep</legend>
        <div className="row">
          <label>
            <input
              type="radio"
              name="sweep"
              checked={f.kind === 'BLOCK_SHUFFLE'}
              onChange={() => set({ kind: 'BLOCK_SHUFFLE' })}
            />{' '}
            Block shuffle (feature reuse)
          </label>
          <label>
            <input
              type="radio"
              name="sweep"
              checked={f.kind === 'CHECKPOINT_SWEEP'}
              onChange={() => set({ kind: 'CHECKPOINT_SWEEP' })}
            />{' '}
            Checkpoint sweep (where to start)
          </label>
        </div>
      </fieldset>
      <StudySelect ctx={ctx} value={f.studyId} onChange={(v) => set({ studyId: v })} />
      {f.kind === 'BLOCK_SHUFFLE' ? (
        <>
          <Select
            id="pretrainCheckpointId"
            label="Pretrained checkpoint"
            value={f.pretrainCheckpointId}
            onChange={(v) => set({ pretrainCheckpointId: v })}
            error={errors.pretrainCheckpointId}
          >
            <option value="">choose…</option>
            <CheckpointOptions ctx={ctx} />
          </Select>
          <Text
            id="blockSizes"
            label="Block sizes"
            value={f.blockSizes}
            onChange={(v) => set({ blockSizes: v })}
            error={errors.blockSizes}
            hint='pixels, or "*" for every pixel; each must divide the image side'
          />
        </>
      ) : (
        <Select
          id="pretrainRunId"
          label="Pretraining run"
          value={f.pretrainRunId}
          onChange={(v) => set({ pretrainRunId: v })}
          error={errors.pretrainRunId}
        >
          <option value="">choose…</option>
          {pretrains.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.checkpoints.length} checkpoints)
            </option>
          ))}
        </Select>
      )}
      <DatasetSelect
        ctx={ctx}
        value={f.datasetId}
        onChange={(v) => set({ datasetId: v })}
        error={errors.datasetId}
      />
      <Text
        id="seeds"
        label="Seeds"
        value={f.seeds}
        onChange={(v) => set({ seeds: v })}
        error={errors.seeds}
        hint="one P-T and one RI-T fine-tune per seed and setting"
      />
      <Hyper f={f} set={set} errors={errors} />
      <Text
        id="name"
        label="Name (optional)"
        value={f.name}
        onChange={(v) => set({ name: v })}
        error={errors.name}
      />
      <div>
        <button type="submit" className="primary" disabled={fetching}>
          {fetching ? 'Starting…' : 'Start sweep'}
        </button>
      </div>
    </form>
  );
}
