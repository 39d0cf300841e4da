// @kubernetes/client-node 1.4.0 informer driver for tst_clientnode.
// Usage: node node_informer.mjs <kubeconfig> <namespace> <pods|boilerhouseclaims> [labelSelector]
// BH_CLIENT_NODE_DIR is the folder holding node_modules/@kubernetes/client-node (an ES
// module, so it is imported by path: NODE_PATH does not apply to ES modules).
// Prints one JSON object per line: {"event":E,"name":N,"rv":RV,"cache":{name:rv,...}} for
// add/update/delete/connect/error. Runs until terminated.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const moduleDir = process.env.BH_CLIENT_NODE_DIR;
if (!moduleDir) {
    console.error('BH_CLIENT_NODE_DIR is not set');
    process.exit(2);
}
const k8s = await import(pathToFileURL(join(moduleDir, 'node_modules/@kubernetes/client-node/dist/index.js')).href);

const [kubeconfig, namespace, resource, labelSelector] = process.argv.slice(2);
if (!kubeconfig || !namespace || !['pods', 'boilerhouseclaims'].includes(resource)) {
    console.error('usage: node_informer.mjs <kubeconfig> <namespace> <pods|boilerhouseclaims> [selector]');
    process.exit(2);
}

const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);

let path;
let list;
if (resource === 'pods') {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    path = `/api/v1/namespaces/${namespace}/pods`;
    list = () => core.listNamespacedPod({ namespace, labelSelector });
} else {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    path = `/apis/boilerhouse.dev/v1alpha1/namespaces/${namespace}/boilerhouseclaims`;
    list = () => custom.listNamespacedCustomObject({
        group: 'boilerhouse.dev', version: 'v1alpha1', namespace, plural: 'boilerhouseclaims', labelSelector,
    });
}

const informer = k8s.makeInformer(kc, path, list, labelSelector);

function cache() {
    const out = {};
    for (const o of informer.list()) out[o.metadata.name] = o.metadata.resourceVersion;
    return out;
}

function emit(event, obj) {
    const meta = (obj && obj.metadata) || {};
    process.stdout.write(JSON.stringify({
        event, name: meta.name || '', rv: meta.resourceVersion || '', cache: cache(),
    }) + '\n');
}

for (const event of ['add', 'update', 'delete']) informer.on(event, (obj) => emit(event, obj));
informer.on('connect', () => emit('connect', null));
informer.on('error', (err) => {
    process.stdout.write(JSON.stringify({ event: 'error', message: String(err && (err.message || err)) }) + '\n');
});

informer.start().then(() => emit('started', null), (err) => {
    process.stdout.write(JSON.stringify({ event: 'error', message: 'start: ' + String(err) }) + '\n');
    process.exit(1);
});
process.on('SIGTERM', () => { informer.stop(); process.exit(0); });
