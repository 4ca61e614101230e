/**
 * Block Kit limits as Slack enforces them (reference/slack.md): a message over them fails with
 * `invalid_blocks`. Returns the problems found, empty when the blocks are acceptable.
 */
export const BLOCK_LIMITS = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Message `text` past this is refused with msg_too_long (Slack truncates at 40,000). */
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;
const L = BLOCK_LIMITS;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined =>
  isObject(v) && typeof v.text === 'string' ? v.text : undefined;

export function checkBlocks(blocks: unknown, maxBlocks: number = L.messageBlocks): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const problems: string[] = [];
  if (blocks.length > maxBlocks) problems.push(`too many blocks: ${blocks.length} > ${maxBlocks}`);
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `blocks[${i}]`;
    if (!isObject(block) || typeof block.type !== 'string') {
      problems.push(`${where}: a block needs a type`);
      return;
    }
    problems.push(...checkBlock(block, where, actionIds));
  });
  return problems;
}

function checkBlock(block: Json, where: string, actionIds: Set<string>): string[] {
  const problems: string[] = [];
  const over = (what: string, value: string | undefined, max: number) => {
    if (value !== undefined && value.length > max)
      problems.push(`${where}.${what}: ${value.length} > ${max} characters`);
  };
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined)
        problems.push(`${where}: section needs text or fields`);
      over('text', textOf(block.text), L.sectionText);
      const fields = Array.isArray(block.fields) ? block.fields : [];
      if (fields.length > L.fields) problems.push(`${where}.fields: ${fields.length} > ${L.fields}`);
      fields.forEach((f, j) => {
        over(`fields[${j}]`, textOf(f), L.fieldText);
      });
      if (isObject(block.accessory))
        problems.push(...checkElement(block.accessory, `${where}.accessory`, actionIds));
      break;
    }
    case 'header':
      over('text', textOf(block.text), L.headerText);
      break;
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > L.contextElements) {
        problems.push(`${where}.elements: ${elements.length} (1..${L.contextElements})`);
      }
      break;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > L.actionsElements) {
        problems.push(`${where}.elements: ${elements.length} (1..${L.actionsElements})`);
      }
      elements.forEach((e, j) => {
        if (isObject(e)) problems.push(...checkElement(e, `${where}.elements[${j}]`, actionIds));
      });
      break;
    }
    case 'image':
      if (typeof block.image_url !== 'string' && !isObject(block.slack_file))
        problems.push(`${where}: image needs image_url`);
      if (typeof block.alt_text !== 'string') problems.push(`${where}: image needs alt_text`);
      break;
    default:
      break;
  }
  return problems;
}

function checkElement(element: Json, where: string, actionIds: Set<string>): string[] {
  const problems: string[] = [];
  const over = (what: string, value: string | undefined, max: number) => {
    if (value !== undefined && value.length > max)
      problems.push(`${where}.${what}: ${value.length} > ${max} characters`);
  };
  if (typeof element.action_id === 'string') {
    over('action_id', element.action_id, L.actionId);
    if (actionIds.has(element.action_id)) problems.push(`${where}.action_id: duplicate ${element.action_id}`);
    actionIds.add(element.action_id);
  }
  if (element.type === 'button') {
    over('text', textOf(element.text), L.buttonText);
    over('value', typeof element.value === 'string' ? element.value : undefined, L.buttonValue);
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`${where}.style: must be primary or danger`);
    }
  }
  if (isObject(element.confirm)) {
    const c = element.confirm;
    over('confirm.title', textOf(c.title), L.confirmTitle);
    over('confirm.text', textOf(c.text), L.confirmText);
    over('confirm.confirm', textOf(c.confirm), L.confirmButton);
    over('confirm.deny', textOf(c.deny), L.confirmButton);
  }
  return problems;
}
