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
}

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
      await redis.set(keys.bottlenecks(valid.id), JSON.stringify(valid), 'EX', ANSWER_TTL_S);
    },
    async get(id) {
      return ID.test(id) ? parsed(await redis.get(keys.bottlenecks(id))) : undefined;
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
    },
    async get(id) {
      if (!ID.test(id)) return undefined;
      return parsed(await readFile(file(id), 'utf8').catch(() => null));
    },
  };
}
