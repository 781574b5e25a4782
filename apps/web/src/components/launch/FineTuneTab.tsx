'use client';

import { type FormEvent, useState } from 'react';
import { START_FINE_TUNE } from '../../lib/queries';
import { checkFineTune, type FineTuneForm } from '../../lib/validate';
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

export function FineTuneTab({
  ctx,
  studyId,
  checkpointId,
}: {
  ctx: Context;
  studyId: string;
  checkpointId: string;
}) {
  const [f, setF] = useState<FineTuneForm>({
    studyId,
    datasetId: '',
    init: 'PRETRAINED',
    initCheckpointId: checkpointId,
    modelId: '',
    seed: '0',
    blockSize: '',
    name: '',
    ...HYPER,
  });
  const set = (p: Partial<FineTuneForm>) => setF((x) => ({ ...x, ...p }));
  const { errors, other, fetching, submit } = useLaunch(
    START_FINE_TUNE,
    checkFineTune,
    (id) => `/runs/${id}`,
  );
  return (
    <form
      className="form"
      noValidate
      aria-label="Start a fine-tune"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void submit(f);
      }}
    >
      <FormErrors other={other} errors={errors} />
      <StudySelect ctx={ctx} value={f.studyId} onChange={(v) => set({ studyId: v })} />
      <fieldset>
        <legend>Initialisation</legend>
        <div className="row" role="radiogroup" aria-label="Initialisation">
          <label>
            <input
              type="radio"
              name="init"
              checked={f.init === 'PRETRAINED'}
              onChange={() => set({ init: 'PRETRAINED' })}
            />{' '}
            P-T: from a pretrained checkpoint
          </label>
          <label>
            <input
              type="radio"
              name="init"
              checked={f.init === 'RANDOM'}
              onChange={() => set({ init: 'RANDOM' })}
            />{' '}
            RI-T: random initialisation
          </label>
        </div>
      </fieldset>
      {f.init === 'PRETRAINED' ? (
        <Select
          id="initCheckpointId"
          label="Start from checkpoint"
          value={f.initCheckpointId}
          onChange={(v) => set({ initCheckpointId: v })}
          error={errors.initCheckpointId}
        >
          <option value="">choose…</option>
          <CheckpointOptions ctx={ctx} />
        </Select>
      ) : (
        <Select
          id="modelId"
          label="Model"
          value={f.modelId}
          onChange={(v) => set({ modelId: v })}
          error={errors.modelId}
        >
          <option value="">choose…</option>
          {ctx.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
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
      <div className="row">
        <Text id="seed" label="Seed" value={f.seed} onChange={(v) => set({ seed: v })} error={errors.seed} />
        <Text
          id="blockSize"
          label="Block shuffle"
          value={f.blockSize}
          onChange={(v) => set({ blockSize: v })}
          error={errors.blockSize}
          hint='empty = none, "*" = every pixel, 4 = 4×4 blocks'
        />
      </div>
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
          {fetching ? 'Starting…' : 'Start fine-tune'}
        </button>
      </div>
    </form>
  );
}
