'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, type ReactNode, useState } from 'react';
import { type AnyVariables, type TypedDocumentNode, useMutation, useQuery } from 'urql';
import { fieldErrors } from '../lib/api-errors';
import { fmt } from '../lib/format';
import {
  LAUNCH_CONTEXT,
  RUN_ANALYSIS,
  START_BLOCK_SWEEP,
  START_CHECKPOINT_SWEEP,
  START_FINE_TUNE,
} from '../lib/queries';
import {
  type AnalysisForm,
  type Checked,
  checkAnalysis,
  checkFineTune,
  checkSweep,
  type Errors,
  type FineTuneForm,
  type SweepForm,
} from '../lib/validate';
import { aria, Field } from './Field';
import { Empty, ErrorBox, Loading } from './States';

type Tab = 'finetune' | 'sweep' | 'analysis';

interface Context {
  studies: { id: string; name: string }[];
  datasets: { id: string; name: string; kind: string }[];
  models: { id: string; name: string }[];
  runs: {
    edges: {
      node: {
        id: string;
        name: string;
        kind: string;
        init: string;
        status: string;
        study: { id: string } | null;
        checkpoints: { id: string; step: number; epoch: number }[];
      };
    }[];
  };
}

/** Shared submit logic: check locally, send, then show the API's errors on the fields they name. */
function useLaunch<F>(
  doc: TypedDocumentNode<Record<string, { id: string }>, AnyVariables> | string | unknown,
  check: (f: F) => Checked<Record<string, unknown>>,
  go: (id: string) => string,
) {
  const [res, send] = useMutation<Record<string, { id: string }>>(doc as never);
  const [local, setLocal] = useState<Errors>({});
  const router = useRouter();
  const api = fieldErrors(res.error);
  const errors = { ...api.fields, ...local };
  const submit = async (form: F) => {
    const c = check(form);
    if (!c.ok) {
      setLocal(c.errors);
      return;
    }
    setLocal({});
    const r = await send({ input: c.input });
    const made = r.data ? Object.values(r.data)[0] : undefined;
    if (made) router.push(go(made.id));
  };
  return { errors, other: api.other, fetching: res.fetching, submit };
}

function FormErrors({ other, errors }: { other: string[]; errors: Errors }) {
  const n = Object.keys(errors).length;
  if (!other.length && !n) return null;
  return (
    <div className="state error" role="alert">
      {other.map((m) => (
        <p key={m}>{m}</p>
      ))}
      {n ? <p>Fix the {n === 1 ? 'field' : `${n} fields`} marked below.</p> : null}
    </div>
  );
}

function CheckpointOptions({ ctx }: { ctx: Context }) {
  return (
    <>
      {ctx.runs.edges.map(({ node: r }) =>
        r.checkpoints.length ? (
          <optgroup key={r.id} label={r.name}>
            {r.checkpoints.map((c) => (
              <option key={c.id} value={c.id}>
                {r.name} @ epoch {fmt(c.epoch, 2)} (#{c.id})
              </option>
            ))}
          </optgroup>
        ) : null,
      )}
    </>
  );
}

function Select({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <select {...aria(id, error, Boolean(hint))} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </Field>
  );
}

function Text({
  id,
  label,
  value,
  onChange,
  error,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input {...aria(id, error, Boolean(hint))} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

function Hyper<F extends { epochs: string; batchSize: string; learningRate: string }>({
  f,
  set,
  errors,
}: {
  f: F;
  set: (p: Partial<F>) => void;
  errors: Errors;
}) {
  return (
    <fieldset>
      <legend>Training</legend>
      <div className="row">
        <Text
          id="epochs"
          label="Epochs"
          value={f.epochs}
          onChange={(v) => set({ epochs: v } as Partial<F>)}
          error={errors.epochs}
        />
        <Text
          id="batchSize"
          label="Batch size"
          value={f.batchSize}
          onChange={(v) => set({ batchSize: v } as Partial<F>)}
          error={errors.batchSize}
        />
        <Text
          id="learningRate"
          label="Learning rate"
          value={f.learningRate}
          onChange={(v) => set({ learningRate: v } as Partial<F>)}
          error={errors.learningRate}
        />
      </div>
    </fieldset>
  );
}

const HYPER = { epochs: '10', batchSize: '64', learningRate: '0.01' };

function StudySelect({
  ctx,
  value,
  onChange,
}: {
  ctx: Context;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Select id="studyId" label="Study" value={value} onChange={onChange}>
      <option value="">no study</option>
      {ctx.studies.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </Select>
  );
}

function DatasetSelect({
  ctx,
  value,
  onChange,
  error,
}: {
  ctx: Context;
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  return (
    <Select id="datasetId" label="Target dataset" value={value} onChange={onChange} error={error}>
      <option value="">choose…</option>
      {ctx.datasets.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name} ({d.kind})
        </option>
      ))}
    </Select>
  );
}

function FineTuneTab({
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

function SweepTab({ ctx, studyId, checkpointId }: { ctx: Context; studyId: string; checkpointId: string }) {
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

function AnalysisTab({
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

const TABS: { id: Tab; label: string }[] = [
  { id: 'finetune', label: 'Fine-tune' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'analysis', label: 'Analysis' },
];

export function LaunchView({
  studyId,
  checkpointId,
  tab: initialTab,
}: {
  studyId: string;
  checkpointId: string;
  tab: Tab;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [res, refetch] = useQuery<Context>({ query: LAUNCH_CONTEXT });
  const ctx = res.data;
  const onKey = (e: React.KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length]!;
    setTab(t.id);
    document.getElementById(`tab-${t.id}`)?.focus();
  };
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /{' '}
        {studyId && ctx?.studies.find((s) => s.id === studyId) ? (
          <>
            <Link href={`/studies/${studyId}`}>{ctx.studies.find((s) => s.id === studyId)!.name}</Link> /
          </>
        ) : null}
      </p>
      <h1>Start work</h1>
      <p className="sub">
        Queue a fine-tune, a sweep of fine-tunes, or an analysis of checkpoints. A runner picks it up.
      </p>
      <div className="tabs" role="tablist" aria-label="What to start" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {res.error && !ctx ? (
          <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : !ctx ? (
          <Loading what="datasets, models and checkpoints" />
        ) : ctx.datasets.length === 0 ? (
          <Empty title="No datasets registered yet.">
            Register one first (the API's <code>registerDataset</code> mutation; <code>basin start</code>{' '}
            registers the defaults unless started with <code>--no-study</code>).
          </Empty>
        ) : tab === 'finetune' ? (
          <FineTuneTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        ) : tab === 'sweep' ? (
          <SweepTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        ) : (
          <AnalysisTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        )}
      </div>
    </>
  );
}
