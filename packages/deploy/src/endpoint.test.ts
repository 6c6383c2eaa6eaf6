import { expect, test } from '@jest/globals';
import { findModelService } from './endpoint.js';

const deployment = (name: string, labels: Record<string, string>) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify({ ...labels, extra: 'x' })}
`;
const service = (name: string, selector: Record<string, string>, ports: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: ${JSON.stringify(selector)}
  ports: ${ports}
`;

test("the Service selecting the release's pods is chosen, a port named http first", () => {
  const manifest = [
    '# Source: chart/templates/other.yaml',
    service('metrics', { app: 'exporter' }, '[{ port: 9100 }]'),
    service('iris-admin', { app: 'iris' }, '[{ name: admin, port: 9000 }]'),
    service('iris', { app: 'iris' }, '[{ name: grpc, port: 9000 }, { name: http, port: 80 }]'),
    deployment('iris', { app: 'iris' }),
  ].join('---\n');
  expect(findModelService(manifest)).toEqual({
    name: 'iris',
    port: 'http',
    why: 'the Service selecting the pods of Deployment iris',
  });
});

test('an unnamed port is addressed by number; a Service selecting nothing of the release is not taken', () => {
  const one = [service('web', { app: 'web' }, '[{ port: 8080 }]'), deployment('web', { app: 'web' })].join('---\n');
  expect(findModelService(one)).toMatchObject({ name: 'web', port: '8080' });
  const none = [service('db', { app: 'db' }, '[{ port: 5432 }]'), deployment('web', { app: 'web' })].join('---\n');
  expect(findModelService(none)).toBeUndefined();
});

test('an InferenceService is reached through the predictor Service KServe creates for it', () => {
  const manifest = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
spec:
  predictor: { model: { modelFormat: { name: onnx } } }
`;
  expect(findModelService(manifest)).toMatchObject({ name: 'iris-predictor', port: 'http' });
});
