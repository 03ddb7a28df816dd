// A local osls plugin: lets `sls package` build the layers without AWS credentials.
//
// osls compiles a layer, then asks CloudFormation (DescribeStacks) for the deployed stack's layer hash, only to
// reuse the already-uploaded zip when nothing changed. That call needs credentials even for `sls package`, a
// long-standing open bug: https://github.com/serverless/serverless/issues/8187. For the `package` command only,
// this plugin answers "no stack deployed yet", exactly what osls does on a first deployment, so the template
// references the freshly built layer zip. `sls deploy` is left untouched and still skips unchanged layers.
// Pinned to osls 4.3.1's AwsCompileLayers; if that plugin disappears, packaging fails loudly here.
class PackageLayersOffline {
  constructor(serverless) {
    this.hooks = {
      'before:package:compileLayers': () => {
        if (serverless.processedInput.commands[0] !== 'package') return;
        const compileLayers = serverless.pluginManager.plugins.find(
          (plugin) => plugin.constructor.name === 'AwsCompileLayers',
        );
        if (!compileLayers || typeof compileLayers.compareWithLastLayer !== 'function') {
          throw new Error(
            'deploy/packageLayersOffline.js: osls AwsCompileLayers.compareWithLastLayer not found',
          );
        }
        compileLayers.compareWithLastLayer = async () => undefined;
      },
    };
  }
}

module.exports = PackageLayersOffline;
