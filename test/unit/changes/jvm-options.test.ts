import { describe, expect, it } from 'vitest';
import {
  heapBytes,
  mergeJvmOptions,
  optionKey,
  splitJvmOptions,
  staticRefusals,
} from '../../../src/changes/jvm/options.js';

describe('splitJvmOptions', () => {
  it('reads words and quoted words as the JVM gets them', () => {
    expect(splitJvmOptions('-Xmx4g  -XX:+UseG1GC "-Dname=a b"')).toEqual({
      ok: true,
      value: ['-Xmx4g', '-XX:+UseG1GC', '-Dname=a b'],
    });
  });

  it('keeps a `*` as the JVM reads it (a glob only to a shell)', () => {
    expect(splitJvmOptions('-Xlog:gc*:file=/var/log/gc.log')).toEqual({
      ok: true,
      value: ['-Xlog:gc*:file=/var/log/gc.log'],
    });
  });

  it.each([
    ['-Xmx4g; rm -rf /', 'shell syntax'],
    ['-Xmx4g | cat', 'shell syntax'],
    ['-Dx=$HOME', 'shell syntax'],
    ['-Dx=`id`', 'shell syntax'],
    ['Xmx4g', 'not a JVM option'],
  ])('refuses %s (%s)', (line, why) => {
    const result = splitJvmOptions(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(why);
  });
});

describe('mergeJvmOptions', () => {
  it('replaces the option of the same key in place and adds new ones last', () => {
    const current = ['-Xms1g', '-Xmx1g', '-XX:+UseParallelGC', '-XX:MaxGCPauseMillis=500', '-Dapp=x'];
    const merged = mergeJvmOptions(current, [
      '-Xmx4g',
      '-XX:MaxGCPauseMillis=200',
      '-XX:+UseStringDeduplication',
    ]);
    expect(merged).toEqual([
      '-Xms1g',
      '-Xmx4g',
      '-XX:+UseParallelGC',
      '-XX:MaxGCPauseMillis=200',
      '-Dapp=x',
      '-XX:+UseStringDeduplication',
    ]);
  });

  it('treats +/- of one flag as the same option', () => {
    expect(optionKey('-XX:+UseG1GC')).toBe(optionKey('-XX:-UseG1GC'));
    expect(mergeJvmOptions(['-XX:-UseG1GC'], ['-XX:+UseG1GC'])).toEqual(['-XX:+UseG1GC']);
  });
});

describe('staticRefusals (what java -version does not catch)', () => {
  it('refuses IgnoreUnrecognizedVMOptions and AlwaysPreTouch', () => {
    const refused = staticRefusals(['-XX:+IgnoreUnrecognizedVMOptions', '-XX:+AlwaysPreTouch'], undefined);
    expect(refused.map((r) => r.option)).toEqual(['-XX:+IgnoreUnrecognizedVMOptions', '-XX:+AlwaysPreTouch']);
  });

  it('refuses a heap as large as the container limit, and lets a smaller one through', () => {
    const limit = 2 * 1024 ** 3;
    expect(staticRefusals(['-Xmx2g'], limit)[0]?.reason).toContain('2 GiB and the container');
    expect(staticRefusals(['-Xmx1536m'], limit)).toEqual([]);
    // The JVM takes the last -Xmx.
    expect(staticRefusals(['-Xmx1g', '-Xmx4g'], limit)[0]?.option).toBe('-Xmx4g');
  });

  it.each([
    ['4g', 4 * 1024 ** 3],
    ['512m', 512 * 1024 ** 2],
    ['1024k', 1024 * 1024],
    ['1048576', 1048576],
    ['1x', undefined],
  ])('reads -Xmx%s', (size, bytes) => {
    expect(heapBytes(size)).toBe(bytes);
  });
});
