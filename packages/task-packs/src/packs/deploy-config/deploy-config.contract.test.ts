import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeTaskPackContract } from '@agentry/task-packs/testing';
import { deployConfigPack } from './deploy-config-pack';

const webService = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/web-service.json', import.meta.url)), 'utf8')) as Record<
  string,
  unknown
>;

describeTaskPackContract(deployConfigPack, {
  fixtures: [
    { name: 'a public web service', input: webService },
    {
      name: 'an internal worker',
      input: { name: 'worker', image: 'ghcr.io/acme/worker:3.1.0', port: 9000, replicas: 1, cpu: '200m', memory: '256Mi' },
    },
    { name: 'a request to run as root', input: { ...webService, runAsUser: 0 }, error: 'AGENTRY_INVALID_INPUT' },
  ],
});
