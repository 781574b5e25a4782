/**
 * A layered (Sugiyama-style) layout for the lineage graph, computed here rather than by a graph library: layers by
 * longest path from the roots, order within a layer by a few barycenter sweeps (fewer crossings), then fixed-size
 * slots. Layers run left to right, so a graph of 100 nodes stays readable: labels never overlap, it scrolls.
 */

export interface LayoutNode {
  id: string;
  /** Lowest layer the node may take (fine-tunes line up in one column even when they start from nothing). */
  rank?: number;
  /** Put the node in the last layer (analyses: the end of every lineage). */
  last?: boolean;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Horizontal gap between layers. */
  layerGap?: number;
  /** Vertical gap between nodes of a layer. */
  rowGap?: number;
  /** Barycenter sweeps (down and up each). Default 4. */
  sweeps?: number;
}

export interface Placed {
  id: string;
  layer: number;
  /** Position within its layer, from the top. */
  order: number;
  x: number;
  y: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  width: number;
  height: number;
  layers: string[][];
}

/**
 * Layers by longest path from a root (at least each node's `rank`), `last` nodes after all others, and empty
 * layers squeezed out; edges that point backwards (cycles) are ignored.
 */
export function assignLayers(
  nodes: readonly (LayoutNode | string)[],
  edges: readonly [string, string][],
): Map<string, number> {
  const spec = new Map<string, LayoutNode>(
    nodes.map((n) => (typeof n === 'string' ? [n, { id: n }] : [n.id, n])),
  );
  const ids = [...spec.keys()];
  const known = new Set(ids);
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) if (known.has(a) && known.has(b) && a !== b) preds.get(b)!.push(a);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const done = layer.get(id);
    if (done !== undefined) return done;
    if (visiting.has(id)) return 0; // a cycle: break it here
    visiting.add(id);
    let l = spec.get(id)!.rank ?? 0;
    for (const p of preds.get(id)!) l = Math.max(l, visit(p) + 1);
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  for (const id of ids) visit(id);
  const lastIds = ids.filter((id) => spec.get(id)!.last);
  if (lastIds.length) {
    const end = Math.max(-1, ...ids.filter((id) => !spec.get(id)!.last).map((id) => layer.get(id)!)) + 1;
    for (const id of lastIds) layer.set(id, Math.max(end, layer.get(id)!));
  }
  const used = [...new Set(layer.values())].sort((a, b) => a - b);
  const squeeze = new Map(used.map((l, i) => [l, i]));
  for (const [id, l] of layer) layer.set(id, squeeze.get(l)!);
  return layer;
}

/** Number of edge crossings between consecutive layers (for tests and to keep the better ordering). */
export function crossings(layers: readonly string[][], edges: readonly [string, string][]): number {
  const where = new Map<string, [number, number]>();
  layers.forEach((l, li) => {
    l.forEach((id, oi) => {
      where.set(id, [li, oi]);
    });
  });
  const segs: [number, number, number][] = [];
  for (const [a, b] of edges) {
    const pa = where.get(a);
    const pb = where.get(b);
    if (pa && pb && pb[0] === pa[0] + 1) segs.push([pa[0], pa[1], pb[1]]);
  }
  let n = 0;
  for (let i = 0; i < segs.length; i++)
    for (let j = i + 1; j < segs.length; j++) {
      const [la, a1, a2] = segs[i]!;
      const [lb, b1, b2] = segs[j]!;
      if (la === lb && (a1 - b1) * (a2 - b2) < 0) n++;
    }
  return n;
}

export function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly [string, string][],
  options: LayoutOptions = {},
): Layout {
  const { nodeWidth = 170, nodeHeight = 30, layerGap = 60, rowGap = 10, sweeps = 4 } = options;
  const ids = nodes.map((n) => n.id);
  const layerOf = assignLayers(nodes, edges);
  const depth = Math.max(0, ...layerOf.values());
  let layers: string[][] = Array.from({ length: depth + 1 }, () => []);
  for (const id of ids) layers[layerOf.get(id)!]!.push(id);

  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    if (!preds.has(a) || !preds.has(b)) continue;
    preds.get(b)!.push(a);
    succs.get(a)!.push(b);
  }
  const reorder = (ls: string[][], li: number, neighbours: Map<string, string[]>, ref: string[]) => {
    const pos = new Map(ref.map((id, i) => [id, i]));
    const layer = ls[li]!;
    const bary = new Map(
      layer.map((id, i) => {
        const ps = neighbours
          .get(id)!
          .map((n) => pos.get(n))
          .filter((p): p is number => p !== undefined);
        return [id, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i];
      }),
    );
    ls[li] = [...layer].sort((a, b) => bary.get(a)! - bary.get(b)! || layer.indexOf(a) - layer.indexOf(b));
  };
  let best = layers.map((l) => [...l]);
  let bestCross = crossings(best, edges);
  for (let s = 0; s < sweeps && bestCross > 0; s++) {
    for (let li = 1; li < layers.length; li++) reorder(layers, li, preds, layers[li - 1]!);
    for (let li = layers.length - 2; li >= 0; li--) reorder(layers, li, succs, layers[li + 1]!);
    const c = crossings(layers, edges);
    if (c < bestCross) {
      best = layers.map((l) => [...l]);
      bestCross = c;
    }
  }
  layers = best;

  // vertical positions: a parent centred on its children (right to left), then nodes without children (leaf
  // checkpoints, analyses) beside their inputs (left to right); each layer packed top-down so boxes keep their
  // order and never overlap
  const pitch = nodeHeight + rowGap;
  const y = new Map<string, number>();
  for (const l of layers)
    l.forEach((id, oi) => {
      y.set(id, oi * pitch);
    });
  const mean = (ids: string[]) => ids.reduce((a, id) => a + y.get(id)!, 0) / ids.length;
  const settle = (li: number, want: (id: string) => number) => {
    let prev = Number.NEGATIVE_INFINITY;
    for (const id of layers[li]!) {
      const at = Math.max(want(id), prev + pitch);
      y.set(id, at);
      prev = at;
    }
  };
  for (let pass = 0; pass < 2; pass++)
    for (let li = layers.length - 1; li >= 0; li--)
      settle(li, (id) => (succs.get(id)!.length ? mean(succs.get(id)!) : y.get(id)!));
  for (let li = 1; li < layers.length; li++)
    settle(li, (id) =>
      succs.get(id)!.length === 0 && preds.get(id)!.length ? mean(preds.get(id)!) : y.get(id)!,
    );
  const top = Math.min(...y.values());
  const height = Math.max(nodeHeight, ...[...y.values()].map((v) => v - top + nodeHeight));
  const placed = new Map<string, Placed>();
  layers.forEach((l, li) => {
    l.forEach((id, oi) => {
      placed.set(id, { id, layer: li, order: oi, x: li * (nodeWidth + layerGap), y: y.get(id)! - top });
    });
  });
  return { nodes: placed, width: layers.length * (nodeWidth + layerGap) - layerGap, height, layers };
}
