import { aDaemonSet } from '../../../test/a-daemon-set';
import { admitDaemonSetCreate, admitDaemonSetUpdate } from '../daemon-set-strategy';
import { defaultDaemonSet } from '../defaults';
import { DomainError } from '../../errors';
import { toStatus } from '../status';
import type { DaemonSet, RollingUpdateDaemonSet } from '../types';
import { validateDaemonSet } from './daemon-set';

type Cause = { reason: string; field?: string; message: string };

const causesOf = (f: () => unknown): Cause[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'Invalid') return e.details.causes ?? [];
    throw e;
  }
  throw new Error('expected an Invalid error');
};
const createCauses = (ds: DaemonSet): Cause[] => causesOf(() => admitDaemonSetCreate(ds));
const brief = (cs: Cause[]) => cs.map((c) => [c.reason, c.field, c.message.split(': ').slice(-1)[0]]);
const RU = 'spec.updateStrategy.rollingUpdate';
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const withRolling = (ru: RollingUpdateDaemonSet) => aDaemonSet({ spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru } } });

describe('§8 defaults and validation', () => {
  it('§8.1 a DS without updateStrategy/revisionHistoryLimit gets the API-server defaults on create', () => {
    const ds = admitDaemonSetCreate(aDaemonSet());
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.template.spec.restartPolicy).toBe('Always');
    expect(ds.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });

  it('§8.2 OnDelete without rollingUpdate gets no rollingUpdate', () => {
    const ds = admitDaemonSetCreate(aDaemonSet({ spec: { updateStrategy: { type: 'OnDelete' } } }));
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('§8.2 OnDelete keeps a user-written rollingUpdate block untouched', () => {
    const ds = admitDaemonSetCreate(aDaemonSet({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: { maxSurge: 1 } } } }));
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete', rollingUpdate: { maxSurge: 1 } });
  });

  it('§8.3 selector does not match template labels', () => {
    const ds = aDaemonSet({ spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } } } } });
    const status = (() => {
      try {
        admitDaemonSetCreate(ds);
      } catch (e) {
        return toStatus(e);
      }
      throw new Error('accepted');
    })();
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template.metadata.labels',
        message: 'Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
      },
    ]);
    expect(status.message).toBe(
      'DaemonSet.apps "foo" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    );
  });

  it('§8.4 a missing selector gives the same single mismatch error, no spec.selector error', () => {
    const ds = aDaemonSet();
    delete ds.spec.selector;
    expect(brief(createCauses(ds))).toEqual([['FieldValueInvalid', 'spec.template.metadata.labels', '`selector` does not match template `labels`']]);
  });

  it('§8.5 an empty selector {} is invalid for daemonset', () => {
    expect(brief(createCauses(aDaemonSet({ spec: { selector: {} } })))).toEqual([['FieldValueInvalid', 'spec.selector', 'empty selector is invalid for daemonset']]);
  });

  it('§8.6 changing the selector on update: spec.selector field is immutable', () => {
    const old = admitDaemonSetCreate(aDaemonSet());
    const next = aDaemonSet({
      spec: { selector: { matchLabels: { name: 'simple-daemon' } } },
    });
    expect(brief(causesOf(() => admitDaemonSetUpdate(next, old)))).toEqual([['FieldValueInvalid', 'spec.selector', 'field is immutable']]);
  });

  it('§8.7 restartPolicy OnFailure is not supported in a DaemonSet', () => {
    const causes = createCauses(aDaemonSet({ spec: { template: { spec: { restartPolicy: 'OnFailure' } } } }));
    expect(causes).toEqual([
      { reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "OnFailure": supported values: "Always"' },
    ]);
  });

  it('§8.8 maxUnavailable 0 and maxSurge 0: Required on maxUnavailable', () => {
    expect(createCauses(withRolling({ maxUnavailable: 0, maxSurge: 0 }))).toEqual([
      { reason: 'FieldValueRequired', field: `${RU}.maxUnavailable`, message: 'Required value: cannot be 0 when maxSurge is 0' },
    ]);
  });

  it('§8.9 only maxSurge 1 is rejected because maxUnavailable defaults to 1; with maxUnavailable 0 it is accepted', () => {
    expect(createCauses(withRolling({ maxSurge: 1 }))).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: `${RU}.maxSurge`,
        message: 'Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
      },
    ]);
    expect(admitDaemonSetCreate(withRolling({ maxSurge: 1, maxUnavailable: 0 })).spec.updateStrategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it.each<[string, RollingUpdateDaemonSet, [string, string, string][]]>([
    ['§8.10 "110%" is more than 100%', { maxUnavailable: '110%' }, [['FieldValueInvalid', `${RU}.maxUnavailable`, 'must not be greater than 100%']]],
    ['§8.10 -1 is negative', { maxUnavailable: -1 }, [['FieldValueInvalid', `${RU}.maxUnavailable`, 'must be greater than or equal to 0']]],
    [
      '§8.10 "-5%" fails the percent format and counts as 0',
      { maxUnavailable: '-5%' },
      [
        ['FieldValueInvalid', `${RU}.maxUnavailable`, PERCENT_MSG],
        ['FieldValueRequired', `${RU}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'],
      ],
    ],
    [
      '"abc" counts as 0 (Atoi failure)',
      { maxUnavailable: 'abc', maxSurge: 0 },
      [
        ['FieldValueInvalid', `${RU}.maxUnavailable`, PERCENT_MSG],
        ['FieldValueRequired', `${RU}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'],
      ],
    ],
    ['"5" counts as 5: only the format error', { maxUnavailable: '5', maxSurge: 0 }, [['FieldValueInvalid', `${RU}.maxUnavailable`, PERCENT_MSG]]],
    ['"0%" and 0 are both zero', { maxUnavailable: '0%', maxSurge: 0 }, [['FieldValueRequired', `${RU}.maxUnavailable`, 'cannot be 0 when maxSurge is 0']]],
    [
      'both non-zero percents',
      { maxUnavailable: '10%', maxSurge: '20%' },
      [['FieldValueInvalid', `${RU}.maxSurge`, 'may not be set when maxUnavailable is non-zero']],
    ],
    ['"100%" surge with 0 unavailable is fine', { maxUnavailable: 0, maxSurge: '100%' }, []],
  ])('%s', (_name, ru, expected) => {
    const ds = defaultDaemonSet(withRolling(ru));
    const errs = validateDaemonSet(ds).map((e) => [e.type, e.field, e.detail]);
    expect(errs).toEqual(expected);
  });

  it('the percent-format message keeps upstream\'s double space', () => {
    const [cause] = createCauses(withRolling({ maxUnavailable: '5' , maxSurge: 0 }));
    expect(cause.message).toContain("(e.g. '1%',  or '93%'");
    expect(cause.message).toMatch(/^Invalid value: intstr\.IntOrString\{Type:1, IntVal:0, StrVal:"5"\}: /);
  });

  it.each<[string, Partial<DaemonSet['spec']>, string]>([
    ['§8.11 minReadySeconds -1', { minReadySeconds: -1 }, 'spec.minReadySeconds'],
    ['§8.11 revisionHistoryLimit -1', { revisionHistoryLimit: -1 }, 'spec.revisionHistoryLimit'],
  ])('%s is rejected as negative', (_n, spec, field) => {
    expect(createCauses(aDaemonSet({ spec }))).toEqual([{ reason: 'FieldValueInvalid', field, message: 'Invalid value: -1: must be greater than or equal to 0' }]);
  });

  it('§8.11 revisionHistoryLimit 0 is valid', () => {
    expect(admitDaemonSetCreate(aDaemonSet({ spec: { revisionHistoryLimit: 0 } })).spec.revisionHistoryLimit).toBe(0);
  });

  it('§8.12 activeDeadlineSeconds is forbidden in a DaemonSet template', () => {
    expect(createCauses(aDaemonSet({ spec: { template: { spec: { activeDeadlineSeconds: 10 } } } }))).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.template.spec.activeDeadlineSeconds', message: 'Forbidden: activeDeadlineSeconds in DaemonSet is not Supported' },
    ]);
  });

  it('§8.13 admission leaves the generation as stored: the decider alone bumps it', () => {
    const stored = { ...admitDaemonSetCreate(aDaemonSet()), metadata: { ...aDaemonSet().metadata, generation: 4 } };
    const imageChanged = aDaemonSet({ metadata: { generation: 99 }, spec: { template: { spec: { containers: [{ name: 'foo', image: 'foo/bar:2' }] } } } });
    expect(admitDaemonSetUpdate(imageChanged, stored).metadata.generation).toBe(4);
  });

  it('update keeps the stored status', () => {
    const stored = { ...admitDaemonSetCreate(aDaemonSet()), status: { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3 } };
    const updated = admitDaemonSetUpdate({ ...aDaemonSet(), status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 } }, stored);
    expect(updated.status?.numberReady).toBe(3);
  });
});

describe('update validation, v1.32 duplicated causes (§2.2)', () => {
  const old = admitDaemonSetCreate(aDaemonSet());
  const bad = aDaemonSet({ spec: { minReadySeconds: -1 } });

  it('lists each spec error twice in causes but once in the message by default', () => {
    const err = (() => {
      try {
        admitDaemonSetUpdate(bad, old);
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('accepted');
    })();
    expect(err.details.causes?.map((c) => c.field)).toEqual(['spec.minReadySeconds', 'spec.minReadySeconds']);
    expect(err.message).toBe('DaemonSet.apps "foo" is invalid: spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0');
  });

  it('lists it once with duplicateCauses: false (v1.34+)', () => {
    expect(causesOf(() => admitDaemonSetUpdate(bad, old, { duplicateCauses: false })).map((c) => c.field)).toEqual(['spec.minReadySeconds']);
  });
});

describe('other DaemonSet rules', () => {
  it.each<[string, DaemonSet, [string, string | undefined, string][]]>([
    [
      'name must be a DNS-1123 subdomain',
      aDaemonSet({ metadata: { name: 'Foo_Bar' } }),
      [
        [
          'FieldValueInvalid',
          'metadata.name',
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ],
      ],
    ],
    ['name is required', aDaemonSet({ metadata: { name: '' } }), [['FieldValueRequired', 'metadata.name', 'name or generateName is required']]],
    [
      'unsupported strategy type',
      aDaemonSet({ spec: { updateStrategy: { type: 'Recreate' } } }),
      [['FieldValueNotSupported', 'spec.updateStrategy', 'supported values: "RollingUpdate", "OnDelete"']],
    ],
    [
      'a bad selector operator skips the match check',
      aDaemonSet({ spec: { selector: { matchExpressions: [{ key: 'name', operator: 'Equals', values: ['x'] }] } } }),
      [['FieldValueInvalid', 'spec.selector.matchExpressions[0].operator', 'not a valid selector operator']],
    ],
    [
      'a template label value that is too long is reported at spec.template.labels (upstream path)',
      aDaemonSet({ spec: { selector: { matchLabels: { x: 'y' } }, template: { metadata: { labels: { x: 'y', long: 'a'.repeat(64) } } } } }),
      [['FieldValueInvalid', 'spec.template.labels', 'must be no more than 63 characters']],
    ],
  ])('%s', (_n, ds, expected) => {
    expect(validateDaemonSet(defaultDaemonSet(ds)).map((e) => [e.type, e.field, e.detail])).toEqual(expected);
  });

  it('returns all causes, not just the first', () => {
    const ds = aDaemonSet({
      metadata: { name: 'Bad' },
      spec: { minReadySeconds: -1, revisionHistoryLimit: -2, template: { spec: { restartPolicy: 'Never', activeDeadlineSeconds: 5 } } },
    });
    expect(createCauses(ds).map((c) => c.field)).toEqual([
      'metadata.name',
      'spec.template.spec.restartPolicy',
      'spec.template.spec.activeDeadlineSeconds',
      'spec.minReadySeconds',
      'spec.revisionHistoryLimit',
    ]);
  });
});
