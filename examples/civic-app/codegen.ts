import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types the example's operations against the public API schema. */
const config: CodegenConfig = {
  schema: '../../schema/api.graphql',
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  generates: {
    [`${process.env.CODEGEN_OUT_DIR ?? 'src/gql'}/`]: {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', Date: 'string', Int64: 'string', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
