import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/connection';
import { Run } from './run.type';

@ObjectType()
export class RunEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Run)
  node!: Run;
}

@ObjectType({ description: 'A page of runs (Relay cursor connection).' })
export class RunConnection {
  @Field(() => [RunEdge])
  edges!: RunEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
