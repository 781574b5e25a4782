'use client';

import type { RefObject } from 'react';

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The figure's canvas on a white background, with its title above it (what a slide or a paper needs). */
export function figurePng(container: HTMLElement, title: string): Promise<Blob | null> {
  const src = container.querySelector('canvas');
  if (!src) return Promise.resolve(null);
  const pad = 36;
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height + pad;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#111';
  ctx.font = `${Math.round(16 * (window.devicePixelRatio || 1))}px system-ui, sans-serif`;
  ctx.fillText(title, 8, 24);
  ctx.drawImage(src, 0, pad);
  return new Promise((res) => out.toBlob(res, 'image/png'));
}

/** "CSV" and "PNG" buttons for a figure: the data behind it and the picture as drawn. */
export function Downloads({
  name,
  title,
  csv,
  figure,
}: {
  /** File name without extension. */
  name: string;
  title: string;
  csv: () => string;
  figure?: RefObject<HTMLElement | null>;
}) {
  return (
    <div className="downloads">
      <button type="button" onClick={() => save(new Blob([csv()], { type: 'text/csv' }), `${name}.csv`)}>
        Download CSV<span className="sr-only"> of {title}</span>
      </button>
      {figure ? (
        <button
          type="button"
          onClick={async () => {
            if (!figure.current) return;
            const png = await figurePng(figure.current, title);
            if (png) save(png, `${name}.png`);
          }}
        >
          Download PNG<span className="sr-only"> of {title}</span>
        </button>
      ) : null}
    </div>
  );
}
