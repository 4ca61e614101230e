import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { type BottleneckAnswer, BottleneckAnswerSchema } from '../bottlenecks/answer.js';
import type { Keys } from './keys.js';

/**
 * The stored `/perf bottlenecks` answers (issue #17), by id: what a Propose fix click reads back.
 * An answer never changes once saved; it is kept a week (`ANSWER_TTL_S`), after which a click on it
 * hears that it is unknown.
 *
 * @example await answers.save(answer); const found = await answers.get('bottlenecks-1a2b3c4d')
 */
export interface BottleneckAnswers {
  save(answer: BottleneckAnswer): Promise<void>;
  get(id: string): Promise<BottleneckAnswer | undefined>;
  /** The answer saved last (what `/perf report` shows as the bottlenecks found), while it is kept. */
  latest(): Promise<BottleneckAnswer | undefined>;
}

/** Where the id of the answer saved last is kept: no answer's id starts with `_`. */
const LATEST = '_latest';

/** As long as the journal keeps a job's steps. */
const ANSWER_TTL_S = 7 * 24 * 3600;

const ID = /^[A-Za-z0-9_-]{1,80}$/;

/** What was stored, or nothing when it is not (or no longer) a valid answer. */
function parsed(text: string | null): BottleneckAnswer | undefined {
  if (text === null) return undefined;
  try {
    const answer = BottleneckAnswerSchema.safeParse(JSON.parse(text));
    return answer.success ? answer.data : undefined;
  } catch {
    return undefined;
  }
}

export function createRedisBottleneckAnswers(redis: Redis, keys: Keys): BottleneckAnswers {
  return {
    async save(answer) {
      const valid = BottleneckAnswerSchema.parse(answer);
      await redis
        .multi()
        .set(keys.bottlenecks(valid.id), JSON.stringify(valid), 'EX', ANSWER_TTL_S)
        .set(keys.bottlenecks(LATEST), valid.id, 'EX', ANSWER_TTL_S)
        .exec();
    },
    async get(id) {
      return ID.test(id) && id !== LATEST ? parsed(await redis.get(keys.bottlenecks(id))) : undefined;
    },
    async latest() {
      const id = await redis.get(keys.bottlenecks(LATEST));
      return id === null ? undefined : this.get(id);
    },
  };
}

/** The CLI's file store: `<dir>/bottlenecks/<id>.json`, written whole then renamed. */
export function createFileBottleneckAnswers(dir: string): BottleneckAnswers {
  const file = (id: string) => join(dir, 'bottlenecks', `${id}.json`);
  return {
    async save(answer) {
      const valid = BottleneckAnswerSchema.parse(answer);
      await mkdir(join(dir, 'bottlenecks'), { recursive: true });
      const tmp = `${file(valid.id)}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(valid));
      await rename(tmp, file(valid.id));
      await writeFile(`${file(LATEST)}.${process.pid}.tmp`, valid.id);
      await rename(`${file(LATEST)}.${process.pid}.tmp`, file(LATEST));
    },
    async get(id) {
      if (!ID.test(id) || id === LATEST) return undefined;
      return parsed(await readFile(file(id), 'utf8').catch(() => null));
    },
    async latest() {
      const id = await readFile(file(LATEST), 'utf8').catch(() => undefined);
      return id === undefined ? undefined : this.get(id.trim());
    },
  };
}
