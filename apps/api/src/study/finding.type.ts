import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "One of the paper's claims, checked against what this study measured." })
export class Finding {
  @Field(() => String, { description: 'Stable id, e.g. "cka" or "pt-beats-rit:MNIST (small)".' })
  id!: string;

  @Field(() => String)
  claim!: string;

  @Field(() => String, { description: 'The numbers behind the verdict, or "not measured yet".' })
  measured!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: holds; false: does not hold; null: not measured yet.',
  })
  holds!: boolean | null;
}
