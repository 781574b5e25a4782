'use client';

import { useRouter } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { type AnyVariables, type DocumentInput, useMutation } from 'urql';
import { fieldErrors } from '../../lib/api-errors';
import { fmt } from '../../lib/format';
import type { LaunchContext } from '../../lib/types';
import type { Checked, Errors } from '../../lib/validate';
import { aria, Field } from '../Field';

/** What the launch forms choose from: studies, datasets, models and every run's checkpoints. */
export type Context = LaunchContext;

/** Shared submit logic: check locally, send, then show the API's errors on the fields they name. */
export function useLaunch<F>(
  doc: DocumentInput<Record<string, { id: string }>, AnyVariables>,
  check: (f: F) => Checked<Record<string, unknown>>,
  go: (id: string) => string,
) {
  const [res, send] = useMutation(doc);
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

export function FormErrors({ other, errors }: { other: string[]; errors: Errors }) {
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

export function CheckpointOptions({ ctx }: { ctx: Context }) {
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

export function Select({
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

export function Text({
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

export function Hyper<F extends { epochs: string; batchSize: string; learningRate: string }>({
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

export const HYPER = { epochs: '10', batchSize: '64', learningRate: '0.01' };

export function StudySelect({
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

export function DatasetSelect({
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
