import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What a claim's measurements say (packages/analysis `verdict.ts` decides it). */
export enum Verdict {
  HOLDS = 'HOLDS',
  DOES_NOT_HOLD = 'DOES_NOT_HOLD',
  INCONCLUSIVE = 'INCONCLUSIVE',
  NOT_MEASURED = 'NOT_MEASURED',
}
registerEnumType(Verdict, {
  name: 'Verdict',
  description:
    'HOLDS / DOES_NOT_HOLD: the difference clears (misses) its threshold by more than 2 standard errors over seeds; INCONCLUSIVE: within the spread, fewer than 2 seeds, or a flagged input; NOT_MEASURED: nothing to judge yet.',
});

@ObjectType({
  description: 'A measured quantity over seeds (or pairs of seeds): mean ± sample std of n values.',
})
export class FindingStat {
  @Field(() => String)
  label!: string;

  @Field(() => Float, { nullable: true, description: 'null when no value was measured.' })
  mean!: number | null;

  @Field(() => Float, { nullable: true, description: 'Sample standard deviation (n − 1); 0 for one value.' })
  std!: number | null;

  @Field(() => Int)
  n!: number;

  @Field(() => [Float], { description: 'The values, in seed order.' })
  values!: number[];
}

@ObjectType({ description: "One of the paper's claims, judged on one target dataset of this study." })
export class Finding {
  @Field(() => String, { description: 'Stable id, `<claim>:<target>`, e.g. "cka:MNIST (small)".' })
  id!: string;

  @Field(() => String, { description: 'The claim without its target, e.g. "cka", "pt-final", "barrier-pt".' })
  claimId!: string;

  @Field(() => String)
  claim!: string;

  @Field(() => String, { description: 'The target dataset the claim was judged on.' })
  target!: string;

  @Field(() => String, { description: 'The numbers behind the verdict (mean ± std), or "not measured yet".' })
  measured!: string;

  @Field(() => Verdict)
  verdict!: Verdict;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: HOLDS; false: DOES_NOT_HOLD; null: inconclusive or not measured.',
  })
  holds!: boolean | null;

  @Field(() => String, { description: 'The threshold and the rule the verdict used.' })
  criterion!: string;

  @Field(() => [String], {
    description: 'Why the claim is inconclusive whatever its numbers (flagged inputs, one seed).',
  })
  flags!: string[];

  @Field(() => [FindingStat], { description: 'The quantities compared.' })
  evidence!: FindingStat[];
}

@ObjectType({ description: 'One row of a findings table.' })
export class FindingsTableRow {
  @Field(() => String)
  label!: string;

  @Field(() => [FindingStat], {
    nullable: 'items',
    description: 'One per column after the label; null: not measured.',
  })
  cells!: (FindingStat | null)[];
}

@ObjectType({
  description: "One of the paper's tables (CKA per module, ℓ2 per pair kind, …) for one target.",
})
export class FindingsTable {
  @Field(() => ID, { description: '`<table>:<target>`, e.g. "cka:MNIST (small)".' })
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  target!: string;

  @Field(() => [String], { description: "Column headings; the first is the row labels' column." })
  columns!: string[];

  @Field(() => [FindingsTableRow])
  rows!: FindingsTableRow[];

  @Field(() => String, { description: 'How to read it: units and what a value is over.' })
  note!: string;
}
