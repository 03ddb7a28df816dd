// esbuild plugins for serverless-esbuild (custom.esbuild.plugins).
const { dirname, join } = require('node:path');

/**
 * zod 4 re-exports every locale as a namespace (`z.locales`, `z.core.locales`), which no bundler can tree-shake: about 260 KB of
 * error-message translations, 40% of the fetcher's bundle. Our code never switches locale (messages are
 * English, the default `config(en())`), so the locales module resolves to one exporting only `en`.
 * https://zod.dev/error-customization#internationalization
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)) return undefined;
      const en = join(dirname(args.resolveDir), 'locales', 'en.js');
      return { path: 'zod-locales-english-only', namespace: 'zod-english-only', pluginData: { en } };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.pluginData.en)};`,
      loader: 'js',
      resolveDir: dirname(args.pluginData.en),
    }));
  },
};

module.exports = [zodEnglishOnly];
