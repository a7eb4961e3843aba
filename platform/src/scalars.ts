import { GraphQLScalarType, Kind } from 'graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInt64(value: unknown): bigint {
  let parsed: bigint;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) parsed = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  else throw new TypeError(`Int64 must be a whole number written as a decimal string, got ${JSON.stringify(value)}`);
  if (parsed < INT64_MIN || parsed > INT64_MAX) throw new TypeError('Int64 is out of the 64-bit range');
  return parsed;
}

/** A signed 64-bit integer, always a decimal string on the wire so JavaScript clients lose nothing. */
export const Int64Scalar = new GraphQLScalarType({
  name: 'Int64',
  serialize: (value) => toInt64(value).toString(),
  parseValue: (value) => toInt64(value).toString(),
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return toInt64(ast.value).toString();
    throw new TypeError('Int64 must be a string or an integer literal');
  },
});

/** The scalars the subgraph schemas declare, by their SDL name. */
export const scalarResolvers = {
  DateTime: GraphQLDateTime,
  Date: GraphQLLocalDate,
  Int64: Int64Scalar,
};
