import { describe, expect, it } from 'vitest';
import { imageRooted, jvmConfigOptions, jvmLaunch } from '../../../src/sim/kube/jvm-check.js';

describe('jvmLaunch', () => {
  it('splits a container’s JAVA_OPTS on whitespace, as the start script expands it', () => {
    const template = {
      spec: {
        containers: [{ name: 'api', env: [{ name: 'JAVA_OPTS', value: ' -Xms1g   -Xmx1g\t-XX:+UseG1GC ' }] }],
      },
    };
    expect(jvmLaunch(template, () => undefined)).toEqual({
      container: 'api',
      options: ['-Xms1g', '-Xmx1g', '-XX:+UseG1GC'],
    });
  });

  it("reads Trino's jvm.config from the ConfigMap the container mounts: one option a line, comments skipped", () => {
    const template = {
      spec: {
        containers: [{ name: 'trino-worker', volumeMounts: [{ name: 'config', mountPath: '/etc/trino' }] }],
        volumes: [{ name: 'config', configMap: { name: 'trino' } }],
      },
    };
    const cms: Record<string, Record<string, string>> = {
      trino: { 'jvm.config': '-server\n# heap\n-Xmx4G\n\n-XX:+UseG1GC\n' },
    };
    expect(jvmLaunch(template, (name) => cms[name])).toEqual({
      container: 'trino-worker',
      options: ['-server', '-Xmx4G', '-XX:+UseG1GC'],
    });
  });

  it('finds no JVM launch in a container without either', () => {
    expect(
      jvmLaunch({ spec: { containers: [{ name: 'redis', env: [] }] } }, () => undefined),
    ).toBeUndefined();
    expect(jvmConfigOptions('  \n#only a comment\n')).toEqual([]);
  });
});

describe('imageRooted', () => {
  it("moves GC log files under the image's root, and leaves out AlwaysPreTouch", () => {
    const options = [
      '-Xmx1g',
      '-Xloggc:/opt/dolphinscheduler/logs/gc.log',
      '-Xlog:gc*:file=/var/log/trino/gc.log:time,uptime:filecount=5,filesize=10m',
      '-Xlog:safepoint:file="gc2.log"',
      '-XX:+AlwaysPreTouch',
      '-Xlog:gc:stdout',
    ];
    expect(imageRooted(options, '/tmp/r')).toEqual({
      options: [
        '-Xmx1g',
        '-Xloggc:/tmp/r/opt/dolphinscheduler/logs/gc.log',
        '-Xlog:gc*:file=/tmp/r/var/log/trino/gc.log:time,uptime:filecount=5,filesize=10m',
        '-Xlog:safepoint:file="/tmp/r/cwd/gc2.log"',
        '-Xlog:gc:stdout',
      ],
      dirs: ['/tmp/r/opt/dolphinscheduler/logs', '/tmp/r/var/log/trino', '/tmp/r/cwd'],
    });
  });
});
