import type { CombinedError } from '@urql/core';
import Link from 'next/link';
import type { ReactNode } from 'react';

/** A loading placeholder that screen readers announce. */
export function Loading({ what = 'data' }: { what?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/** Nothing here yet — and what to do about it. */
export function Empty({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: { href: string; label: string };
}) {
  return (
    <div className="state empty">
      <p className="empty-title">{title}</p>
      {children ? <p>{children}</p> : null}
      {action ? (
        <Link className="button" href={action.href}>
          {action.label}
        </Link>
      ) : null}
    </div>
  );
}

/** What an API error says, for a person: GraphQL errors verbatim, network errors explained. */
export function errorMessage(error: CombinedError | Error | string): string {
  if (typeof error === 'string') return error;
  if ('graphQLErrors' in error && error.graphQLErrors.length)
    return error.graphQLErrors.map((e) => e.message).join('; ');
  if ('networkError' in error && error.networkError)
    return `Cannot reach the Basin API (${error.networkError.message}). Is \`basin start\` running?`;
  return error.message;
}

export function ErrorBox({ error, retry }: { error: CombinedError | Error | string; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <p>
        <strong>Something went wrong.</strong> {errorMessage(error)}
      </p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

const STATUS_LABEL: Record<string, string> = {
  QUEUED: 'queued',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{STATUS_LABEL[status] ?? status}</span>;
}
