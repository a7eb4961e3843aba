import { GraphQLScalarType } from 'graphql';
import { mergeResolvers } from './resolver-maps';

describe('mergeResolvers', () => {
  const scalar = new GraphQLScalarType({ name: 'Thing' });

  it('merges the maps of feature folders per type, field by field', () => {
    const merged = mergeResolvers<Record<string, unknown>>(
      { Query: { a: 1 }, Thing: scalar, Account: { name: 2 } },
      { Query: { b: 3 }, Account: { balance: 4 } },
    );
    expect(merged).toEqual({ Query: { a: 1, b: 3 }, Thing: scalar, Account: { name: 2, balance: 4 } });
  });

  it('refuses a field defined twice instead of letting the second one win', () => {
    expect(() => mergeResolvers<Record<string, unknown>>({ Account: { name: 1 } }, { Account: { name: 2 } })).toThrow('Account.name is resolved twice');
    expect(() => mergeResolvers<Record<string, unknown>>({ Thing: scalar }, { Thing: scalar })).toThrow('Thing is resolved twice');
    expect(() => mergeResolvers<Record<string, unknown>>({ Thing: scalar }, { Thing: { serialize: 1 } })).toThrow('Thing is resolved twice');
  });
});
