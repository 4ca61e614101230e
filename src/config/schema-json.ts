import { z } from 'zod';
import { PlatformConfigSchema } from './platform.js';

/**
 * The JSON Schema of perfbot.yaml, generated from the zod schema (the one source of truth), for
 * editors (`# yaml-language-server: $schema=perfbot.schema.json`) and CI checks of a config repo.
 */
export function platformJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PlatformConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'perfbot.yaml',
    description: 'The platform model perfbot measures: services, selectors, targets, access, jobs, charts.',
  };
}
