'use client';

import { type ReactNode, useRef } from 'react';
import { slug } from '../lib/format';
import { Downloads } from './Downloads';

/** A titled figure with "Download CSV" and "Download PNG" (the first canvas inside it). */
export function Figure({
  title,
  file,
  csv,
  children,
  kind,
}: {
  title: string;
  file?: string;
  csv: () => string;
  children: ReactNode;
  kind?: string;
}) {
  const ref = useRef<HTMLElement>(null);
  return (
    <figure ref={ref} data-figure={kind}>
      <figcaption>
        <h3>{title}</h3>
        <Downloads name={file ?? slug(title)} title={title} csv={csv} figure={ref} />
      </figcaption>
      {children}
    </figure>
  );
}
