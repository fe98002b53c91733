import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'cdktf.out/',
      'docs/',
      'coverage/',
      'examples/partner-app/node_modules/',
      'examples/partner-app/dist/',
      'examples/partner-app/cdktf.out/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      // Every object is built against its upstream schema (model/kube.ts build, model/kind-types.ts): the type
      // comes from model/crds (custom resources, `npm run crd-types`) or kubernetes-types (core kinds), never
      // from the object itself or a catch-all. __tests__/model/typed-builds.test.ts proves these selectors fire.
      'no-restricted-syntax': [
        'error',
        {
          // An object literal: a local `build` helper of a test taking other arguments is not model/kube.ts's.
          selector: "CallExpression[callee.name='build'][arguments.0.type='ObjectExpression']:not([typeArguments])",
          message:
            'build needs the type of the object it builds: build<ClusterQueue>({...}), with the type from model/crds (custom resources) or kubernetes-types (core kinds).',
        },
        {
          selector:
            "CallExpression[callee.name='build'] > TSTypeParameterInstantiation > :matches(:not(TSTypeReference), TSTypeReference[typeName.name=/^(KubeObject|Identity|ObjectIdentity|Record|Readonly|Partial|Omit|Pick)$/])",
          message:
            'build<T> needs the upstream type of the kind (model/crds or kubernetes-types), not a catch-all: the compiler then checks every field against its schema.',
        },
      ],
    },
  },
);
