'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { layoutGraph } from '../lib/layout';
import { lineageGraph, type NodeType } from '../lib/lineage';
import { LINEAGE } from '../lib/queries';
import { Empty, ErrorBox, Loading } from './States';

const COLORS: Record<NodeType, { fill: string; stroke: string; name: string }> = {
  pretrain: { fill: '#ede4f7', stroke: '#6b3fa0', name: 'pretraining run' },
  checkpoint: { fill: '#f1f3f5', stroke: '#7b8794', name: 'checkpoint' },
  pt: { fill: '#dcebf8', stroke: '#1f77b4', name: 'P-T fine-tune' },
  rit: { fill: '#fde4dc', stroke: '#e4572e', name: 'RI-T fine-tune' },
  analysis: { fill: '#dff3e4', stroke: '#1a7f37', name: 'analysis' },
};

const W = 168;
const H = 30;

export function LineageView({ id }: { id: string }) {
  const [res, refetch] = useQuery({ query: LINEAGE, variables: { id } });
  const router = useRouter();
  const study = res.data?.study;
  const graph = useMemo(() => {
    if (!study) return null;
    const g = lineageGraph({ runs: study.runs.edges.map((e) => e.node), analyses: study.analyses });
    return {
      ...g,
      layout: layoutGraph(g.nodes, g.edges, { nodeWidth: W, nodeHeight: H, layerGap: 56, rowGap: 8 }),
    };
  }, [study]);

  if (res.error && !study)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!study || !graph) return <Loading what="the lineage" />;
  const { nodes, edges, layout } = graph;
  const pad = 12;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> / <Link href={`/studies/${id}`}>{study.name}</Link> /
      </p>
      <h1>Lineage</h1>
      <p className="sub">
        Pretraining runs → their checkpoints → fine-tunes started from them → their checkpoints → analyses.
        Every box is a link (Tab moves between them, Enter opens one). {nodes.length} nodes, {edges.length}{' '}
        edges.
      </p>
      <div className="legend-dots" aria-hidden="true">
        {Object.values(COLORS).map((c) => (
          <span key={c.name}>
            <span className="dot" style={{ background: c.fill, border: `1px solid ${c.stroke}` }} />
            {c.name}
          </span>
        ))}
      </div>
      {nodes.length === 0 ? (
        <Empty
          title="Nothing to draw yet."
          action={{ href: `/launch?study=${id}`, label: 'Start a fine-tune' }}
        >
          The graph fills in as runs save checkpoints and analyses take them as inputs.
        </Empty>
      ) : (
        <div className="lineage-wrap">
          <svg
            className="lineage"
            width={layout.width + 2 * pad}
            height={layout.height + 2 * pad}
            aria-label={`Lineage graph of ${study.name}`}
          >
            <g transform={`translate(${pad},${pad})`}>
              {edges.map(([a, b]) => {
                const p = layout.nodes.get(a);
                const q = layout.nodes.get(b);
                if (!p || !q) return null;
                const [x1, y1, x2, y2] = [p.x + W, p.y + H / 2, q.x, q.y + H / 2];
                const mx = (x1 + x2) / 2;
                return (
                  <path
                    key={`${a}-${b}`}
                    d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}
                    fill="none"
                    stroke="#9aa5b1"
                    strokeWidth={1.2}
                  />
                );
              })}
              {nodes.map((n) => {
                const p = layout.nodes.get(n.id);
                if (!p) return null;
                const c = COLORS[n.type];
                const label = n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label;
                return (
                  <a
                    key={n.id}
                    href={n.href}
                    aria-label={n.title}
                    data-node={n.type}
                    onClick={(e) => {
                      e.preventDefault();
                      router.push(n.href);
                    }}
                  >
                    <title>{n.title}</title>
                    <rect
                      x={p.x}
                      y={p.y}
                      width={W}
                      height={H}
                      rx={6}
                      fill={c.fill}
                      stroke={c.stroke}
                      strokeWidth={1.2}
                    />
                    <text x={p.x + 8} y={p.y + H / 2 + 4} fontSize={12} fill="#16191d">
                      {label}
                    </text>
                    {n.status && n.status !== 'SUCCEEDED' ? (
                      <circle
                        cx={p.x + W - 9}
                        cy={p.y + 9}
                        r={4}
                        fill={
                          n.status === 'FAILED' ? '#c62828' : n.status === 'RUNNING' ? '#1e40af' : '#9a6700'
                        }
                      />
                    ) : null}
                  </a>
                );
              })}
            </g>
          </svg>
        </div>
      )}
      {study.runs.totalCount > study.runs.edges.length ? (
        <p className="sub">
          Showing the first {study.runs.edges.length} of {study.runs.totalCount} runs.
        </p>
      ) : null}
    </>
  );
}
