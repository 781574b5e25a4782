import { evaluateFindings } from '@basin/analysis/findings';
import type { AnalysisResult, StudyRow } from '@basin/db';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Finding } from './finding.type';
import { measurementsFrom, type RunFacts } from './measurements';
import { Study } from './study.type';

@Resolver(() => Study)
export class StudyFindingsResolver {
  @FieldResolver(() => [Finding], {
    description:
      "The paper's claims (P-T beats RI-T, feature reuse, common mistakes, CKA, ℓ2, barriers, module criticality, checkpoints) judged on this study's finished analyses, honestly: a claim can fail.",
  })
  async findings(@Root() study: StudyRow, @Ctx() ctx: Context): Promise<Finding[]> {
    const analyses = await ctx.loaders.analysesByStudy.load(study.id);
    const results = analyses
      .filter((a) => a.status === 'SUCCEEDED' && a.result)
      .map((a) => a.result as AnalysisResult);
    const runIds = new Set<string>();
    for (const r of results) {
      if (r.kind === 'MISTAKES')
        for (const p of r.pairs) for (const ref of [p.a, p.b]) if (ref.runId) runIds.add(ref.runId);
      if (r.kind === 'MODULE_CRITICALITY' && r.final.runId) runIds.add(r.final.runId);
    }
    const runs = new Map<string, RunFacts>();
    await Promise.all(
      [...runIds].map(async (id) => {
        const run = await ctx.loaders.run.load(id);
        if (!run) return;
        const dataset = await ctx.loaders.dataset.load(run.datasetId);
        runs.set(id, { init: run.init, dataset: dataset?.name ?? `dataset ${run.datasetId}` });
      }),
    );
    return evaluateFindings(measurementsFrom(results, runs));
  }
}
