import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { platformJsonSchema } from '../../../src/config/schema-json.js';

describe('perfbot.schema.json', () => {
  it('is what the zod schema generates today (regenerate with `npm run schema`)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../perfbot.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(platformJsonSchema());
  });

  it('forbids unknown keys, as start-up does', () => {
    const schema = platformJsonSchema() as { additionalProperties?: unknown };
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('perfbot.example.yaml', () => {
  it('is valid under the real schema', async () => {
    const { parsePlatformConfig } = await import('../../../src/config/load.js');
    const text = readFileSync(new URL('../../../perfbot.example.yaml', import.meta.url), 'utf8');
    expect(parsePlatformConfig(text).services.kafka.partitions).toBe(6);
  });
});
