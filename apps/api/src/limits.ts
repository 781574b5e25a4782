import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLList,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  visit,
} from 'graphql';
import { BasinError } from './errors';

/** Query cost limits. */
export interface Limits {
  /** Deepest allowed nesting of fields. Default 12. */
  maxDepth: number;
  /** Largest allowed estimated cost. Default 25,000. */
  maxComplexity: number;
  /** Largest `first` of a connection. Default 100. */
  maxPageSize: number;
  /**
   * Most aliased fields in one document (every alias written, in operations and fragments). Default 100: the
   * dashboard and CLI use a handful; ten thousand aliases of a cheap field are a way to multiply work the cost
   * estimate prices low.
   */
  maxAliases: number;
}

/** Limits used unless `createApp` is given others. */
export const DEFAULT_LIMITS: Limits = {
  maxDepth: 12,
  maxComplexity: 25_000,
  maxPageSize: 100,
  maxAliases: 100,
};

/** Assumed length of a list field that has no size argument. */
const LIST_FACTOR = 10;
/** Arguments that bound the length of a field's list. */
const SIZE_ARGS = ['first', 'limit'];

/**
 * Estimates an operation's depth and cost before it runs and throws BAD_USER_INPUT when either is over the limit.
 * Also refuses a document with more than `maxAliases` aliased fields.
 * @remarks Cost: every field costs 1 (or its `complexity` extension, set with type-graphql's `complexity` option),
 * and a list multiplies the cost of what it selects by its `first`/`limit` argument (variables resolved), else by
 * 10. Lists inside a `…Connection` are already counted by the connection's `first`. Introspection is free.
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: Limits = DEFAULT_LIMITS,
): void {
  let aliases = 0;
  visit(document, {
    Field(node) {
      if (node.alias) aliases++;
    },
  });
  if (aliases > limits.maxAliases) {
    throw new BasinError(
      'BAD_USER_INPUT',
      `the document has ${aliases} aliased fields, over the limit of ${limits.maxAliases}; send several requests`,
      { http: true, extensions: { aliases, maxAliases: limits.maxAliases } },
    );
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const op = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!op) return; // graphql-js reports the missing operation itself
  const root =
    op.operation === 'query'
      ? schema.getQueryType()
      : op.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return;
  const vars = variables ?? {};

  const argValue = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return vars[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };

  // Each fragment is costed once, relative to where it is spread (its cost and how deep it reaches below), and
  // reused at every spread: walking a spread anew each time made ten fragments that each spread the next ten times
  // cost 10^10 visits (seconds of a frozen event loop per level). A fragment being costed is skipped where it
  // spreads itself (graphql-js refuses such cycles anyway).
  const memo = new Map<string, { cost: number; below: number } | 'visiting'>();
  const spread = (frag: FragmentDefinitionNode, type: GraphQLNamedType) => {
    const key = frag.name.value;
    const known = memo.get(key);
    if (known === 'visiting') return { cost: 0, below: 0 };
    if (known) return known;
    memo.set(key, 'visiting');
    const fragType = schema.getType(frag.typeCondition.name.value) ?? type;
    const r = walk(frag.selectionSet, fragType, 0);
    const out = { cost: r.cost, below: r.depth };
    memo.set(key, out);
    return out;
  };

  const walk = (set: SelectionSetNode, type: GraphQLNamedType, depth: number) => {
    let cost = 0;
    let maxDepth = depth;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag) continue;
        const r = spread(frag, type);
        cost += r.cost;
        maxDepth = Math.max(maxDepth, depth + r.below);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? type) : type;
        const r = walk(sel.selectionSet, t, depth);
        cost += r.cost;
        maxDepth = Math.max(maxDepth, r.depth);
      } else {
        const r = field(sel, type, depth);
        cost += r.cost;
        maxDepth = Math.max(maxDepth, r.depth);
      }
    }
    return { cost, depth: maxDepth };
  };

  const field = (
    node: FieldNode,
    parent: GraphQLNamedType,
    depth: number,
  ): { cost: number; depth: number } => {
    const name = node.name.value;
    if (name.startsWith('__')) return { cost: 0, depth };
    let def: GraphQLField<unknown, unknown> | undefined;
    if (isObjectType(parent) || isInterfaceType(parent)) def = parent.getFields()[name];
    const own = typeof def?.extensions?.complexity === 'number' ? def.extensions.complexity : 1;
    if (!def || !node.selectionSet) return { cost: own, depth: depth + 1 };
    const named = getNamedType(def.type);
    if (!isCompositeType(named) && !isUnionType(named)) return { cost: own, depth: depth + 1 };
    let multiplier = 1;
    if (getNullableType(def.type) instanceof GraphQLList && !parent.name.endsWith('Connection')) {
      multiplier = LIST_FACTOR;
    }
    for (const arg of node.arguments ?? []) {
      if (!SIZE_ARGS.includes(arg.name.value)) continue;
      const v = argValue(arg.value);
      if (typeof v === 'number' && v > 0) multiplier = v;
    }
    if (SIZE_ARGS.some((a) => def?.args.some((d) => d.name === a)) && multiplier === 1) {
      const d = def.args.find((x) => SIZE_ARGS.includes(x.name))?.defaultValue;
      if (typeof d === 'number') multiplier = d;
    }
    const r = walk(node.selectionSet, named, depth + 1);
    return { cost: own + multiplier * r.cost, depth: r.depth };
  };

  const { cost, depth } = walk(op.selectionSet, root, 0);
  if (depth > limits.maxDepth) {
    throw new BasinError(
      'BAD_USER_INPUT',
      `query depth ${depth} is over the limit of ${limits.maxDepth}; split it into several queries`,
      { http: true, extensions: { depth, maxDepth: limits.maxDepth } },
    );
  }
  if (cost > limits.maxComplexity) {
    throw new BasinError(
      'BAD_USER_INPUT',
      `query complexity ${cost} is over the limit of ${limits.maxComplexity}; ask for smaller pages (first) or fewer fields`,
      { http: true, extensions: { complexity: cost, maxComplexity: limits.maxComplexity } },
    );
  }
}
