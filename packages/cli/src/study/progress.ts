/** One line of the study's progress display. */
export interface Stage {
  name: string;
  done: number;
  total: number;
  startedAt?: number;
  finishedAt?: number;
  note?: string;
}

const BAR = 24;

function eta(s: Stage, now: number): string {
  if (s.finishedAt) return `done in ${fmt((s.finishedAt - (s.startedAt ?? s.finishedAt)) / 1000)}`;
  if (!s.startedAt || s.done <= 0 || s.total <= 0) return s.startedAt ? 'ETA …' : 'waiting';
  const elapsed = (now - s.startedAt) / 1000;
  return `ETA ${fmt((elapsed * (s.total - s.done)) / s.done)}`;
}

function fmt(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Renders one stage as `name  ████░░░░  42%  ETA 1m20s  note`. */
export function renderStage(s: Stage, width: number, now = Date.now()): string {
  const frac = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
  const filled = Math.round(frac * BAR);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR - filled);
  return `${s.name.padEnd(width)}  ${bar} ${String(Math.floor(frac * 100)).padStart(3)}%  ${eta(s, now)}${s.note ? `  ${s.note}` : ''}`;
}

/**
 * Progress bars per stage. On a terminal the block is redrawn in place; elsewhere (CI logs, pipes) a line is
 * printed when a stage moves by 10% or finishes, so logs stay short.
 */
export class ProgressBoard {
  private drawn = 0;
  private lastPrinted = new Map<string, number>();

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    readonly stages: Stage[],
  ) {}

  stage(name: string): Stage {
    const s = this.stages.find((x) => x.name === name);
    if (!s) throw new Error(`no stage '${name}'`);
    return s;
  }

  render(): void {
    const width = Math.max(...this.stages.map((s) => s.name.length));
    if (this.out.isTTY) {
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A`);
      for (const s of this.stages) this.out.write(`\x1b[2K${renderStage(s, width)}\n`);
      this.drawn = this.stages.length;
      return;
    }
    for (const s of this.stages) {
      const step = s.finishedAt ? 100 : s.total > 0 ? Math.floor((10 * s.done) / s.total) * 10 : 0;
      if (!s.startedAt || this.lastPrinted.get(s.name) === step) continue;
      this.lastPrinted.set(s.name, step);
      this.out.write(`[study] ${renderStage(s, width)}\n`);
    }
  }
}
