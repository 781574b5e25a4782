'use client';

import { type FormEvent, useState } from 'react';
import { RUN_ANALYSIS } from '../../lib/queries';
import { type AnalysisForm, checkAnalysis } from '../../lib/validate';
import { CheckpointOptions, type Context, FormErrors, Select, StudySelect, Text, useLaunch } from './shared';

const ANALYSIS_KINDS: { kind: AnalysisForm['kind']; label: string; hint: string }[] = [
  { kind: 'CKA', label: 'CKA (feature similarity)', hint: 'two or more checkpoints; every pair is compared' },
  { kind: 'MISTAKES', label: 'Common and uncommon mistakes', hint: 'two or more checkpoints' },
  { kind: 'PARAM_DISTANCE', label: 'Parameter distance (ℓ2)', hint: 'two or more checkpoints' },
  {
    kind: 'BARRIER',
    label: 'Performance barrier',
    hint: 'two or more checkpoints; each pair is interpolated',
  },
  {
    kind: 'MODULE_CRITICALITY',
    label: 'Module criticality',
    hint: 'exactly two: the initial checkpoint, then the final one',
  },
];

export function AnalysisTab({
  ctx,
  studyId,
  checkpointId,
}: {
  ctx: Context;
  studyId: string;
  checkpointId: string;
}) {
  const [f, setF] = useState<AnalysisForm>({
    kind: 'CKA',
    studyId,
    checkpointIds: [checkpointId, ''],
    examples: '',
    name: '',
  });
  const set = (p: Partial<AnalysisForm>) => setF((x) => ({ ...x, ...p }));
  const { errors, other, fetching, submit } = useLaunch(
    RUN_ANALYSIS,
    checkAnalysis,
    (id) => `/analyses/${id}`,
  );
  const kind = ANALYSIS_KINDS.find((k) => k.kind === f.kind)!;
  return (
    <form
      className="form"
      noValidate
      aria-label="Run an analysis"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void submit(f);
      }}
    >
      <FormErrors other={other} errors={errors} />
      <Select
        id="kind"
        label="Analysis"
        value={f.kind}
        onChange={(v) => set({ kind: v as AnalysisForm['kind'] })}
        hint={kind.hint}
      >
        {ANALYSIS_KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </Select>
      <StudySelect ctx={ctx} value={f.studyId} onChange={(v) => set({ studyId: v })} />
      <fieldset aria-describedby={errors.inputs ? 'inputs-err' : undefined}>
        <legend>Checkpoints</legend>
        {f.checkpointIds.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position (model A, B …), not an item
          <div className="row" key={`${i}-${f.checkpointIds.length}`}>
            <Select
              id={`input-${i}`}
              label={
                f.kind === 'MODULE_CRITICALITY'
                  ? i === 0
                    ? 'Initial'
                    : 'Final'
                  : `Model ${String.fromCharCode(65 + i)}`
              }
              value={c}
              onChange={(v) => set({ checkpointIds: f.checkpointIds.map((x, k) => (k === i ? v : x)) })}
            >
              <option value="">choose…</option>
              <CheckpointOptions ctx={ctx} />
            </Select>
            {f.checkpointIds.length > 2 ? (
              <button
                type="button"
                onClick={() => set({ checkpointIds: f.checkpointIds.filter((_, k) => k !== i) })}
                style={{ alignSelf: 'end' }}
              >
                Remove<span className="sr-only"> model {String.fromCharCode(65 + i)}</span>
              </button>
            ) : null}
          </div>
        ))}
        {f.kind !== 'MODULE_CRITICALITY' && f.checkpointIds.length < 8 ? (
          <button type="button" onClick={() => set({ checkpointIds: [...f.checkpointIds, ''] })}>
            Add a checkpoint
          </button>
        ) : null}
        {errors.inputs ? (
          <p className="err" id="inputs-err" role="alert">
            {errors.inputs}
          </p>
        ) : null}
      </fieldset>
      {f.kind !== 'PARAM_DISTANCE' ? (
        <Text
          id="examples"
          label="Examples (optional)"
          value={f.examples}
          onChange={(v) => set({ examples: v })}
          error={errors.examples}
          hint="test examples to evaluate on; empty = the API's default"
        />
      ) : null}
      <Text
        id="name"
        label="Name (optional)"
        value={f.name}
        onChange={(v) => set({ name: v })}
        error={errors.name}
      />
      <div>
        <button type="submit" className="primary" disabled={fetching}>
          {fetching ? 'Starting…' : 'Run analysis'}
        </button>
      </div>
    </form>
  );
}
