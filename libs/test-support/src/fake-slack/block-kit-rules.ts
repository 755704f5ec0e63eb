/**
 * What Slack checks in blocks and views before it posts or opens them, as its Block Kit
 * reference documents it (https://docs.slack.dev/reference/block-kit/blocks,
 * …/block-elements, …/composition-objects, https://docs.slack.dev/reference/views). A
 * message that breaks any rule is refused whole with `invalid_blocks` (a view:
 * `invalid_arguments`), naming each problem with a JSON pointer, as Slack does. Written
 * apart from the bot's own budgets, so a test catches a budget that is wrong.
 */
type Json = Record<string, unknown>;

const blockTypes = new Set([
  "section",
  "context",
  "actions",
  "divider",
  "header",
  "image",
  "input",
  "rich_text",
  "file",
  "video",
]);

export function checkMessageBlocks(blocks: unknown): string[] {
  return checkBlockList(blocks, 50, "/blocks");
}

export function checkView(view: unknown): string[] {
  if (!isObject(view)) return ["a view must be an object [json-pointer:/view]"];
  const problems: string[] = [];
  if (view.type !== "modal") problems.push("type must be modal [json-pointer:/view/type]");
  problems.push(...plainTextRule(view.title, 24, "/view/title", true));
  if (view.submit !== undefined)
    problems.push(...plainTextRule(view.submit, 24, "/view/submit", true));
  if (view.close !== undefined)
    problems.push(...plainTextRule(view.close, 24, "/view/close", true));
  problems.push(...maxLength(view.private_metadata, 3_000, "/view/private_metadata"));
  problems.push(...maxLength(view.callback_id, 255, "/view/callback_id"));
  problems.push(...checkBlockList(view.blocks, 100, "/view/blocks"));
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.some((b) => isObject(b) && b.type === "input") && view.submit === undefined)
    problems.push("a view with input blocks needs a submit button [json-pointer:/view/submit]");
  return problems;
}

function checkBlockList(blocks: unknown, max: number, at: string): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return [`must be an array [json-pointer:${at}]`];
  const problems: string[] = [];
  if (blocks.length > max) problems.push(`no more than ${max} items allowed [json-pointer:${at}]`);
  const ids = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    const here = `${at}/${index}`;
    if (!isObject(block)) {
      problems.push(`must be an object [json-pointer:${here}]`);
      continue;
    }
    if (typeof block.block_id === "string") {
      problems.push(...maxLength(block.block_id, 255, `${here}/block_id`));
      if (ids.has(block.block_id))
        problems.push(`duplicate block_id [json-pointer:${here}/block_id]`);
      ids.add(block.block_id);
    }
    problems.push(...checkBlock(block, here));
  }
  return problems;
}

function checkBlock(block: Json, at: string): string[] {
  if (typeof block.type !== "string" || !blockTypes.has(block.type))
    return [`unknown block type ${JSON.stringify(block.type)} [json-pointer:${at}/type]`];
  switch (block.type) {
    case "section": {
      const problems: string[] = [];
      if (block.text === undefined && block.fields === undefined)
        problems.push(`a section needs text or fields [json-pointer:${at}]`);
      if (block.text !== undefined) problems.push(...textRule(block.text, 3_000, `${at}/text`));
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          problems.push(`no more than 10 fields allowed [json-pointer:${at}/fields]`);
        else
          for (const [i, field] of block.fields.entries())
            problems.push(...textRule(field, 2_000, `${at}/fields/${i}`));
      }
      if (isObject(block.accessory))
        problems.push(...checkElement(block.accessory, `${at}/accessory`));
      return problems;
    }
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
        return [`context needs 1 to 10 elements [json-pointer:${at}/elements]`];
      return elements.flatMap((e, i) =>
        isObject(e) && e.type === "image" ? [] : textRule(e, 3_000, `${at}/elements/${i}`),
      );
    }
    case "actions": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
        return [`actions needs 1 to 25 elements [json-pointer:${at}/elements]`];
      return elements.flatMap((e, i) =>
        isObject(e)
          ? checkElement(e, `${at}/elements/${i}`)
          : [`must be an object [json-pointer:${at}/elements/${i}]`],
      );
    }
    case "header":
      return plainTextRule(block.text, 150, `${at}/text`, true);
    case "input": {
      const problems = plainTextRule(block.label, 2_000, `${at}/label`, true);
      if (block.hint !== undefined)
        problems.push(...plainTextRule(block.hint, 2_000, `${at}/hint`, true));
      if (isObject(block.element)) problems.push(...checkElement(block.element, `${at}/element`));
      else problems.push(`an input needs an element [json-pointer:${at}/element]`);
      return problems;
    }
    default:
      return [];
  }
}

function checkElement(element: Json, at: string): string[] {
  const problems = maxLength(element.action_id, 255, `${at}/action_id`);
  switch (element.type) {
    case "button":
      problems.push(...plainTextRule(element.text, 75, `${at}/text`, true));
      problems.push(...maxLength(element.value, 2_000, `${at}/value`));
      problems.push(...maxLength(element.url, 3_000, `${at}/url`));
      if (element.style !== undefined && element.style !== "primary" && element.style !== "danger")
        problems.push(`style must be primary or danger [json-pointer:${at}/style]`);
      if (element.confirm !== undefined) {
        const confirm = isObject(element.confirm) ? element.confirm : {};
        problems.push(...plainTextRule(confirm.title, 100, `${at}/confirm/title`, true));
        problems.push(...textRule(confirm.text, 300, `${at}/confirm/text`));
        problems.push(...plainTextRule(confirm.confirm, 30, `${at}/confirm/confirm`, true));
        problems.push(...plainTextRule(confirm.deny, 30, `${at}/confirm/deny`, true));
      }
      return problems;
    case "static_select":
      problems.push(...plainTextRule(element.placeholder, 150, `${at}/placeholder`, false));
      problems.push(...optionsRule(element.options, 100, `${at}/options`, false));
      if (element.initial_option !== undefined)
        problems.push(...optionsRule([element.initial_option], 1, `${at}/initial_option`, false));
      return problems;
    case "multi_static_select":
      problems.push(...plainTextRule(element.placeholder, 150, `${at}/placeholder`, false));
      problems.push(...optionsRule(element.options, 100, `${at}/options`, false));
      return problems;
    case "checkboxes":
    case "radio_buttons":
      problems.push(...optionsRule(element.options, 10, `${at}/options`, true));
      if (element.initial_options !== undefined)
        problems.push(...optionsRule(element.initial_options, 10, `${at}/initial_options`, true));
      if (element.initial_option !== undefined)
        problems.push(...optionsRule([element.initial_option], 1, `${at}/initial_option`, true));
      return problems;
    case "plain_text_input": {
      const max = typeof element.max_length === "number" ? element.max_length : 3_000;
      if (max > 3_000)
        problems.push(`max_length must be at most 3000 [json-pointer:${at}/max_length]`);
      problems.push(
        ...maxLength(element.initial_value, Math.min(max, 3_000), `${at}/initial_value`),
      );
      return problems;
    }
    default:
      return problems;
  }
}

/**
 * Option objects: text up to 75 characters (plain_text; checkboxes and radio buttons also
 * take mrkdwn), value up to 150, at most `max` of them.
 * https://docs.slack.dev/reference/block-kit/composition-objects/option-object
 */
function optionsRule(options: unknown, max: number, at: string, mrkdwnAllowed: boolean): string[] {
  if (!Array.isArray(options) || options.length === 0 || options.length > max)
    return [`must have 1 to ${max} options [json-pointer:${at}]`];
  return options.flatMap((option, i) => {
    const here = `${at}/${i}`;
    if (!isObject(option)) return [`must be an option object [json-pointer:${here}]`];
    const text = mrkdwnAllowed
      ? textRule(option.text, 75, `${here}/text`)
      : plainTextRule(option.text, 75, `${here}/text`, true);
    const value =
      typeof option.value === "string" && option.value.length > 0 && option.value.length <= 150
        ? []
        : [`value must be 1 to 150 characters [json-pointer:${here}/value]`];
    return [...text, ...value];
  });
}

function textRule(text: unknown, max: number, at: string): string[] {
  if (!isObject(text) || (text.type !== "plain_text" && text.type !== "mrkdwn"))
    return [`must be a plain_text or mrkdwn text object [json-pointer:${at}]`];
  return textLength(text.text, max, at);
}

function plainTextRule(text: unknown, max: number, at: string, required: boolean): string[] {
  if (text === undefined && !required) return [];
  if (!isObject(text) || text.type !== "plain_text")
    return [`must be a plain_text text object [json-pointer:${at}]`];
  return textLength(text.text, max, at);
}

function textLength(value: unknown, max: number, at: string): string[] {
  if (typeof value !== "string" || value.length === 0)
    return [`must be more than 0 characters [json-pointer:${at}/text]`];
  return value.length > max
    ? [`must be less than ${max + 1} characters [json-pointer:${at}/text]`]
    : [];
}

function maxLength(value: unknown, max: number, at: string): string[] {
  return typeof value === "string" && value.length > max
    ? [`must be less than ${max + 1} characters [json-pointer:${at}]`]
    : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Text as Slack delivers what a person typed in a slash command or message: `&`, `<`, `>`
 * escaped, and web addresses turned into links (`<https://…>`).
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function slackEscapeTyped(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\bhttps?:\/\/[^\s&]+/g, (url) => `<${url}>`);
}
