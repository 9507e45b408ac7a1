/**
 * The user's seed manifests (libs/domain/test/fixtures, verbatim) and the
 * ready examples in infra/manifests: what each gives when created in
 * namespace `default` (the API layer sets the namespace from the URL).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { admitDaemonSetCreate, DaemonSet, decodeManifest, DomainError, isDomainError, toStatus } from '@daemonledger/domain';

const fixture = (f: string): string => readFileSync(join(__dirname, 'fixtures', f), 'utf8');
const manifest = (f: string): string => readFileSync(join(__dirname, '../../../infra/manifests', f), 'utf8');

const create = (text: string): DaemonSet => {
  const [obj] = decodeManifest(text) as DaemonSet[];
  return admitDaemonSetCreate({ ...obj, metadata: { namespace: 'default', ...obj.metadata } });
};

const rejection = (text: string): DomainError => {
  try {
    create(text);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected the manifest to be rejected');
};

describe('seed 001 nginx-ds (toleration effect typo)', () => {
  it('is rejected with exactly one cause: Unsupported value "NoScheduler"', () => {
    const status = toStatus(rejection(fixture('seed-001-nginx-ds.yaml')));
    expect(status.code).toBe(422);
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.template.spec.tolerations[0].effect',
        message: 'Unsupported value: "NoScheduler": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      },
    ]);
    expect(status.message).toBe(
      'DaemonSet.apps "nginx-ds" is invalid: spec.template.spec.tolerations[0].effect: Unsupported value: "NoScheduler": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    );
  });
});

describe('seed 002 fluentd-elasticsearch (extensions/v1beta1)', () => {
  it('is refused before validation with kubectl\'s no-match text', () => {
    let err: unknown;
    try {
      decodeManifest(fixture('seed-002-fluentd-elasticsearch-extensions-v1beta1.yaml'));
    } catch (e) {
      err = e;
    }
    expect(isDomainError(err, 'NotFound')).toBe(true);
    expect((err as Error).message).toBe('no matches for kind "DaemonSet" in version "extensions/v1beta1"');
  });
});

describe('seed 004 fluentd-elasticcsearch (resource name typo)', () => {
  it('is rejected on requests[memrory] with the two upstream causes', () => {
    const e = rejection(fixture('seed-004-fluentd-elasticcsearch.yaml'));
    const field = 'spec.template.spec.containers[0].resources.requests[memrory]';
    expect(e.details.causes?.map((c) => [c.reason, c.field, c.message.replace(/^Invalid value: [^:]+: /, '')])).toEqual([
      ['FieldValueInvalid', field, 'must be a standard resource type or fully qualified'],
      ['FieldValueInvalid', field, 'must be a standard resource for containers'],
    ]);
  });
});

describe('infra/manifests examples', () => {
  it.each([
    ['nginx-ds.yaml', 'nginx-ds', { app: 'nginx-ds' }, 'IfNotPresent'],
    ['fluentd-elasticsearch.yaml', 'fluentd-elasticsearch', { name: 'fluentd-elasticsearch' }, 'IfNotPresent'],
    ['fluentd-elasticsearch-apps-v1.yaml', 'fluentd-elasticsearch', { name: 'fluentd-elasticsearch' }, 'IfNotPresent'],
  ])('%s is accepted with the API-server defaults', (file, name, labels, pullPolicy) => {
    const ds = create(manifest(file));
    expect(ds.metadata.name).toBe(name);
    expect(ds.spec.selector?.matchLabels).toEqual(labels);
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    });
    expect(ds.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: pullPolicy,
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  });

  it('nginx-ds keeps the toleration as written (operator unset means Equal) and defaults port protocol', () => {
    const ds = create(manifest('nginx-ds.yaml'));
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }]);
    expect(ds.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    // `creationTimestamp: null` in the template is Go's "unset".
    expect(ds.spec.template.metadata).toEqual({ labels: { app: 'nginx-ds' } });
  });

  it('fluentd hostPath volumes get type ""', () => {
    const ds = create(manifest('fluentd-elasticsearch-apps-v1.yaml'));
    expect(ds.spec.template.spec.volumes?.map((v) => v.hostPath)).toEqual([
      { path: '/var/log', type: '' },
      { path: '/var/lib/docker/containers', type: '' },
    ]);
  });
});
