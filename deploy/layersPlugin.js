// A local osls plugin for the Lambda layers (serverless.yml `layers:`), on `sls package` and `sls deploy` alike.
const { buildLayers } = require('./buildLayers');

class LayersPlugin {
  constructor(serverless) {
    const log = (line) => serverless.cli.log(line);
    this.hooks = {
      // The layer directories must exist before osls zips them; building is a no-op when they are up to date.
      'before:package:initialize': () => {
        buildLayers({ log });
      },
      // osls compiles a layer, then asks CloudFormation (DescribeStacks) for the deployed stack's layer hash, only
      // to reuse the already-uploaded zip when nothing changed. That call needs AWS credentials even for
      // `sls package`, a long-standing open bug: https://github.com/serverless/serverless/issues/8187. For the
      // `package` command only, answer "no stack deployed yet", exactly what osls does on a first deployment, so
      // the template references the freshly built zip. `sls deploy` is untouched and still skips unchanged layers.
      // Written against osls 4.3.1's AwsCompileLayers; if that changes, packaging fails loudly here.
      'before:package:compileLayers': () => {
        if (serverless.processedInput.commands[0] !== 'package') return;
        const compileLayers = serverless.pluginManager.plugins.find(
          (plugin) => plugin.constructor.name === 'AwsCompileLayers',
        );
        if (!compileLayers || typeof compileLayers.compareWithLastLayer !== 'function') {
          throw new Error('deploy/layersPlugin.js: osls AwsCompileLayers.compareWithLastLayer not found');
        }
        compileLayers.compareWithLastLayer = async () => undefined;
      },
    };
  }
}

module.exports = LayersPlugin;
