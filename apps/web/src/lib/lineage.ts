import { initLabel, kindLabel } from './format';
import type { LineageData } from './types';

export type { LineageData };
export type NodeType = 'pretrain' | 'pt' | 'rit' | 'checkpoint' | 'analysis';

export interface LineageNode {
  id: string;
  rank?: number;
  last?: boolean;
  type: NodeType;
  label: string;
  title: string;
  href: string;
  status?: string;
}

/** Pretrain run → its checkpoints → fine-tunes started from them → their checkpoints → analyses that took them. */
export function lineageGraph(d: LineageData): { nodes: LineageNode[]; edges: [string, string][] } {
  const nodes = new Map<string, LineageNode>();
  const edges: [string, string][] = [];
  const ckpt = (id: string, run?: { name: string }, epoch?: number) => {
    const key = `c${id}`;
    if (!nodes.has(key))
      nodes.set(key, {
        id: key,
        type: 'checkpoint',
        label: epoch === undefined ? `checkpoint ${id}` : `epoch ${Number(epoch.toFixed(2))}`,
        title: `checkpoint ${id}${run ? ` of ${run.name}` : ''}${epoch === undefined ? '' : `, epoch ${epoch}`}`,
        href: `/checkpoints/${id}`,
      });
    return key;
  };
  for (const r of d.runs) {
    const type: NodeType = r.kind === 'PRETRAIN' ? 'pretrain' : r.init === 'PRETRAINED' ? 'pt' : 'rit';
    nodes.set(`r${r.id}`, {
      id: `r${r.id}`,
      type,
      label: r.name,
      title: `${initLabel(r.init, r.kind)} run ${r.name} (block ${r.blockLabel}, ${r.status.toLowerCase()})`,
      href: `/runs/${r.id}`,
      status: r.status,
      // fine-tunes share a column, after the pretraining checkpoints
      ...(r.kind === 'FINETUNE' ? { rank: 2 } : {}),
    });
  }
  for (const r of d.runs) {
    for (const c of r.checkpoints) edges.push([`r${r.id}`, ckpt(c.id, r, c.epoch)]);
    if (r.initCheckpoint) edges.push([ckpt(r.initCheckpoint.id), `r${r.id}`]);
  }
  for (const a of d.analyses) {
    const key = `a${a.id}`;
    nodes.set(key, {
      id: key,
      type: 'analysis',
      label: `${kindLabel(a.kind)}`,
      title: `${kindLabel(a.kind)} analysis ${a.name} (${a.status.toLowerCase()})`,
      href: `/analyses/${a.id}`,
      status: a.status,
      last: true,
    });
    for (const i of a.inputs) {
      if (i.checkpoint) edges.push([ckpt(i.checkpoint.id), key]);
      else if (i.run && nodes.has(`r${i.run.id}`)) edges.push([`r${i.run.id}`, key]);
    }
  }
  return { nodes: [...nodes.values()], edges };
}
