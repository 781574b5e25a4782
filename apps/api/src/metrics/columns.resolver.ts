import { FieldResolver, Resolver, Root } from 'type-graphql';
import { MetricColumns, PackedColumns } from './metrics.type';

@Resolver(() => MetricColumns)
export class MetricColumnsResolver {
  @FieldResolver(() => PackedColumns, {
    description:
      'The same columns packed as binary (base64 float64): what the dashboard reads; ~2× smaller and far cheaper to encode and decode than JSON numbers.',
  })
  packed(@Root() columns: MetricColumns): PackedColumns {
    return new PackedColumns(columns);
  }
}
