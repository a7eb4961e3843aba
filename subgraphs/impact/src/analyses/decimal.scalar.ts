import { GraphQLScalarType, Kind } from 'graphql';

/** The exact forms numbers.ts writes: no exponent, no negative zero, no trailing zeros after the dot. */
const EXACT = /^(0|-?[1-9]\d*|-?(0|[1-9]\d*)\.\d*[1-9])$/;

function check(value: unknown): string {
  if (typeof value === 'string' && EXACT.test(value)) return value;
  throw new TypeError(`Decimal is a plain decimal string such as "5.619" (no exponent, no negative zero), got ${JSON.stringify(value)}`);
}

/** An exact decimal number as a string (see the scalar's description in schema.graphql). */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize: check,
  parseValue: check,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return check(ast.value);
    throw new TypeError('Decimal must be a string literal');
  },
});
