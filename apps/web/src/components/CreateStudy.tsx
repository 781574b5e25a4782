'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { fieldErrors } from '../lib/api-errors';
import { CREATE_STUDY } from '../lib/queries';
import { aria, Field } from './Field';

/** "New study": a small form that creates a study and opens it. */
export function CreateStudy() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const [res, create] = useMutation(CREATE_STUDY);
  const router = useRouter();
  const api = fieldErrors(res.error);

  if (!open)
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        New study
      </button>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setLocal('Give the study a name, e.g. “Fashion-MNIST → MNIST”.');
    setLocal(undefined);
    const r = await create({ input: { name: name.trim(), description: description.trim() || undefined } });
    if (r.data) router.push(`/studies/${r.data.createStudy.id}`);
  };
  const nameErr = local ?? api.fields.name;
  return (
    <form className="card form" onSubmit={submit} aria-label="New study" noValidate>
      <Field id="study-name" label="Name" error={nameErr}>
        <input {...aria('study-name', nameErr)} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id="study-description" label="Description" error={api.fields.description}>
        <input
          {...aria('study-description', api.fields.description)}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      {api.other.length ? (
        <p className="err" role="alert">
          {api.other.join(' ')}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={res.fetching}>
          {res.fetching ? 'Creating…' : 'Create study'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
