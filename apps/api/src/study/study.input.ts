import { Field, InputType } from 'type-graphql';
import { JSONObject } from '../common/scalars';

@InputType()
export class CreateStudyInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => JSONObject, { nullable: true })
  config?: Record<string, unknown> | null;
}
