/**
 * The example app: one platform stack per environment. `npm run synth` writes
 * cdktf.out/stacks/<stack>/cdk.tf.json; `cdktf deploy <stack>` deploys one environment.
 */
import { App } from 'cdktf';
import { ENVIRONMENTS } from './environments';
import { PlatformStack } from './platform-stack';

const app = new App();
for (const env of ENVIRONMENTS) new PlatformStack(app, `snapshots-${env.name}`, env);
app.synth();
