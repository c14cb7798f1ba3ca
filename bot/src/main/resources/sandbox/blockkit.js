// Block Kit to DOM, as Slack shows it: layout blocks, their elements, and the composition objects inside them.
//
// Every block and element carries data-bk="<type>" so a test can check that each type the bot emits is drawn
// (an unknown one shows as a visible "unsupported" placeholder with class bk-unsupported, never silently).
//
// ctx: {
//   names:   {userName(id), channelName(id), groupHandle(id)}   for mentions in mrkdwn
//   users:   [{id, realName}]                                    for users_select
//   channels:[{id, name}]                                        for conversations_select / channels_select
//   surface: 'message' | 'modal' | 'home'
//   act(element, block, value): an interactive element was used (button click, select change) — returns a Promise
//   confirm(dialog): shows a confirm object, resolves true/false
//   inputs:  an array this fills with {blockId, actionId, read()} for a modal's submission (modal only)
//   errors:  {block_id: message} from response_action: errors (modal only)
// }

import { esc, textObject } from './mrkdwn.js';

const BLOCKS = {
  header: (b, ctx) => el('div', { class: 'bk-header' }, html(textObject(b.text, ctx.names))),
  divider: () => el('hr', { class: 'bk-divider' }),
  section: renderSection,
  context: (b, ctx) => el('div', { class: 'bk-context' }, ...(b.elements ?? []).map(e =>
    e.type === 'image' ? renderElement(e, b, ctx) : html(textObject(e, ctx.names)))),
  actions: (b, ctx) => el('div', { class: 'bk-actions' }, ...(b.elements ?? []).map(e => renderElement(e, b, ctx))),
  image: (b, ctx) => el('figure', { class: 'bk-image' },
    b.title ? el('figcaption', {}, html(textObject(b.title, ctx.names))) : null,
    el('img', { src: safeUrl(b.image_url), alt: b.alt_text ?? '', loading: 'lazy' })),
  input: renderInput,
  rich_text: (b, ctx) => el('div', { class: 'bk-rich-text' }, ...(b.elements ?? []).map(e => richText(e, ctx))),
  markdown: (b, ctx) => el('div', { class: 'bk-markdown' }, html(textObject({ type: 'mrkdwn', text: b.text }, ctx.names))),
  file: (b) => el('div', { class: 'bk-file' }, `📄 ${b.external_id ?? 'file'}`),
};

const ELEMENTS = {
  button: renderButton,
  image: (e) => el('img', { class: 'bk-el-image', src: safeUrl(e.image_url), alt: e.alt_text ?? '' }),
  static_select: (e, b, ctx) => renderSelect(e, b, ctx, options(e)),
  external_select: (e, b, ctx) => renderSelect(e, b, ctx, options(e)),
  users_select: (e, b, ctx) => renderSelect(e, b, ctx,
    ctx.users.map(u => ({ value: u.id, text: { type: 'plain_text', text: u.realName } })), 'selected_user', e.initial_user),
  conversations_select: (e, b, ctx) => renderSelect(e, b, ctx,
    ctx.channels.map(c => ({ value: c.id, text: { type: 'plain_text', text: '#' + c.name } })), 'selected_conversation', e.initial_conversation),
  channels_select: (e, b, ctx) => renderSelect(e, b, ctx,
    ctx.channels.map(c => ({ value: c.id, text: { type: 'plain_text', text: '#' + c.name } })), 'selected_channel', e.initial_channel),
  multi_static_select: renderMultiSelect,
  overflow: renderOverflow,
  radio_buttons: (e, b, ctx) => renderChoices(e, b, ctx, 'radio'),
  checkboxes: (e, b, ctx) => renderChoices(e, b, ctx, 'checkbox'),
  datepicker: (e, b, ctx) => renderSimpleInput(e, b, ctx, 'date', e.initial_date, v => ({ selected_date: v || null })),
  timepicker: (e, b, ctx) => renderSimpleInput(e, b, ctx, 'time', e.initial_time, v => ({ selected_time: v || null })),
  plain_text_input: renderTextInput,
  number_input: (e, b, ctx) => renderSimpleInput(e, b, ctx, 'number', e.initial_value, v => ({ value: v || null })),
  email_text_input: (e, b, ctx) => renderSimpleInput(e, b, ctx, 'email', e.initial_value, v => ({ value: v || null })),
  url_text_input: (e, b, ctx) => renderSimpleInput(e, b, ctx, 'url', e.initial_value, v => ({ value: v || null })),
};

/** The block types and element types drawn here (for the page's own checks; tests render, not read, this). */
export const SUPPORTED = { blocks: Object.keys(BLOCKS), elements: Object.keys(ELEMENTS) };

/** Renders an array of blocks into a container element. */
export function renderBlocks(blocks, ctx) {
  const box = el('div', { class: 'bk-blocks' });
  for (const b of blocks ?? []) {
    box.append(renderBlock(b, ctx));
  }
  return box;
}

function renderBlock(b, ctx) {
  const draw = BLOCKS[b.type];
  const node = draw ? draw(b, ctx) : unsupported('block', b.type);
  node.dataset.bk = b.type;
  if (b.block_id) {
    node.dataset.blockId = b.block_id;
  }
  return node;
}

function renderElement(e, b, ctx) {
  const draw = ELEMENTS[e.type];
  const node = draw ? draw(e, b, ctx) : unsupported('element', e.type);
  node.dataset.bk = e.type;
  if (e.action_id) {
    node.dataset.actionId = e.action_id;
  }
  return node;
}

function unsupported(kind, type) {
  return el('div', { class: 'bk-unsupported' }, `This ${kind} type is not shown in the sandbox: ${type}`);
}

// ---------------------------------------------------------------- blocks

function renderSection(b, ctx) {
  const body = el('div', { class: 'bk-section-body' });
  if (b.text) {
    body.append(el('div', { class: 'bk-section-text' }, html(textObject(b.text, ctx.names))));
  }
  if (b.fields?.length) {
    body.append(el('div', { class: 'bk-fields' },
      ...b.fields.map(f => el('div', { class: 'bk-field' }, html(textObject(f, ctx.names))))));
  }
  const node = el('div', { class: 'bk-section' }, body);
  if (b.accessory) {
    node.append(el('div', { class: 'bk-accessory' }, renderElement(b.accessory, b, ctx)));
  }
  return node;
}

function renderInput(b, ctx) {
  const error = ctx.errors?.[b.block_id];
  const label = el('label', { class: 'bk-input-label' }, html(textObject(b.label, ctx.names)),
    b.optional ? el('span', { class: 'bk-optional' }, ' (optional)') : null);
  const registered = ctx.inputs.length;
  const element = renderElement(b.element, b, ctx);
  // Slack's client refuses an empty required field before anything is sent: the submission needs to know.
  ctx.inputs.slice(registered).forEach(i => { i.optional = !!b.optional; });
  const node = el('div', { class: 'bk-input' + (error ? ' has-error' : '') }, label, element);
  if (b.hint) {
    node.append(el('div', { class: 'bk-hint' }, html(textObject(b.hint, ctx.names))));
  }
  if (error) {
    node.append(el('div', { class: 'bk-error', role: 'alert' }, error));
  }
  return node;
}

function richText(e, ctx) {
  const inline = items => (items ?? []).map(i => {
    switch (i.type) {
      case 'text': {
        const s = el('span', {}, i.text);
        if (i.style?.bold) s.style.fontWeight = 'bold';
        if (i.style?.italic) s.style.fontStyle = 'italic';
        if (i.style?.strike) s.style.textDecoration = 'line-through';
        if (i.style?.code) s.className = 'code';
        return s;
      }
      case 'link': return el('a', { href: safeUrl(i.url), target: '_blank', rel: 'noopener noreferrer' }, i.text ?? i.url);
      case 'user': return html(`<span class="mention">@${esc(ctx.names.userName(i.user_id) ?? i.user_id)}</span>`);
      case 'usergroup': return html(`<span class="mention">@${esc(ctx.names.groupHandle(i.usergroup_id) ?? i.usergroup_id)}</span>`);
      case 'channel': return html(`<span class="mention channel">#${esc(ctx.names.channelName(i.channel_id) ?? i.channel_id)}</span>`);
      case 'broadcast': return html(`<span class="mention broadcast">@${esc(i.range)}</span>`);
      case 'emoji': return el('span', { class: 'emoji' }, `:${i.name}:`);
      default: return el('span', {}, i.text ?? '');
    }
  });
  switch (e.type) {
    case 'rich_text_section': return el('div', {}, ...inline(e.elements));
    case 'rich_text_quote': return el('blockquote', {}, ...inline(e.elements));
    case 'rich_text_preformatted': return el('pre', {}, ...inline(e.elements));
    case 'rich_text_list': return el(e.style === 'ordered' ? 'ol' : 'ul', {},
      ...(e.elements ?? []).map(s => el('li', {}, ...inline(s.elements))));
    default: return unsupported('rich text element', e.type);
  }
}

// ---------------------------------------------------------------- elements

function renderButton(e, b, ctx) {
  const button = el('button', { type: 'button', class: 'bk-button' + (e.style ? ' ' + e.style : '') },
    html(textObject(e.text, ctx.names)));
  button.addEventListener('click', async () => {
    if (e.confirm && !(await ctx.confirm(e.confirm))) {
      return;
    }
    if (e.url) {
      window.open(e.url, '_blank', 'noopener');
    }
    button.disabled = true;
    try {
      await ctx.act(e, b, e.value ?? null);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function options(e) {
  return [...(e.options ?? []), ...(e.option_groups ?? []).flatMap(g => g.options ?? [])];
}

function renderSelect(e, b, ctx, opts, stateField = 'selected_option', initialValue) {
  const select = el('select', { class: 'bk-select' });
  const initial = initialValue ?? e.initial_option?.value;
  select.append(el('option', { value: '' }, e.placeholder?.text ?? 'Select…'));
  for (const o of opts) {
    const option = el('option', { value: o.value }, o.text?.text ?? o.value);
    if (o.value === initial) {
      option.selected = true;
    }
    select.append(option);
  }
  if (ctx.surface === 'modal' && b.type === 'input') {
    ctx.inputs.push({
      blockId: b.block_id, actionId: e.action_id, read: () => {
        const chosen = opts.find(o => o.value === select.value);
        if (stateField === 'selected_option') {
          return { type: e.type, selected_option: chosen ? { text: chosen.text, value: chosen.value } : null };
        }
        return { type: e.type, [stateField]: select.value || null };
      },
    });
  } else {
    select.addEventListener('change', () => select.value && ctx.act(e, b, select.value));
  }
  return select;
}

function renderMultiSelect(e, b, ctx) {
  const opts = options(e);
  const select = el('select', { class: 'bk-select', multiple: '' });
  const initial = new Set((e.initial_options ?? []).map(o => o.value));
  for (const o of opts) {
    const option = el('option', { value: o.value }, o.text?.text ?? o.value);
    option.selected = initial.has(o.value);
    select.append(option);
  }
  if (ctx.surface === 'modal' && b.type === 'input') {
    ctx.inputs.push({
      blockId: b.block_id, actionId: e.action_id, read: () => ({
        type: e.type,
        selected_options: opts.filter(o => [...select.selectedOptions].some(s => s.value === o.value))
          .map(o => ({ text: o.text, value: o.value })),
      }),
    });
  }
  return select;
}

function renderOverflow(e, b, ctx) {
  const box = el('div', { class: 'bk-overflow' });
  const toggle = el('button', { type: 'button', class: 'bk-button overflow', 'aria-label': 'More actions' }, '⋯');
  const menu = el('div', { class: 'bk-menu', hidden: '' });
  for (const o of e.options ?? []) {
    const item = el('button', { type: 'button', class: 'bk-menu-item' }, html(textObject(o.text, ctx.names)));
    item.addEventListener('click', async () => {
      menu.hidden = true;
      if (e.confirm && !(await ctx.confirm(e.confirm))) {
        return;
      }
      await ctx.act(e, b, o.value);
    });
    menu.append(item);
  }
  toggle.addEventListener('click', () => { menu.hidden = !menu.hidden; });
  box.append(toggle, menu);
  return box;
}

let choiceGroup = 0;

function renderChoices(e, b, ctx, kind) {
  const box = el('div', { class: 'bk-choices' });
  const name = `bk-${kind}-${++choiceGroup}`;
  const initial = new Set(kind === 'radio' ? [e.initial_option?.value] : (e.initial_options ?? []).map(o => o.value));
  const inputs = [];
  for (const o of e.options ?? []) {
    const input = el('input', { type: kind, name, value: o.value });
    input.checked = initial.has(o.value);
    inputs.push([input, o]);
    box.append(el('label', { class: 'bk-choice' }, input, html(textObject(o.text, ctx.names)),
      o.description ? el('div', { class: 'bk-hint' }, html(textObject(o.description, ctx.names))) : null));
    if (!(ctx.surface === 'modal' && b.type === 'input')) {
      input.addEventListener('change', () => ctx.act(e, b, o.value));
    }
  }
  if (ctx.surface === 'modal' && b.type === 'input') {
    const chosen = () => inputs.filter(([i]) => i.checked).map(([, o]) => ({ text: o.text, value: o.value }));
    ctx.inputs.push({
      blockId: b.block_id, actionId: e.action_id, read: () => kind === 'radio'
        ? { type: e.type, selected_option: chosen()[0] ?? null }
        : { type: e.type, selected_options: chosen() },
    });
  }
  return box;
}

function renderTextInput(e, b, ctx) {
  const attrs = { class: 'bk-text-input' };
  if (e.placeholder) attrs.placeholder = e.placeholder.text;
  if (e.max_length) attrs.maxlength = String(e.max_length);
  const input = e.multiline ? el('textarea', { ...attrs, rows: '4' }) : el('input', { ...attrs, type: 'text' });
  input.value = e.initial_value ?? '';
  if (ctx.surface === 'modal' && b.type === 'input') {
    // Slack checks min_length in the client before it sends anything.
    ctx.inputs.push({
      blockId: b.block_id, actionId: e.action_id, minLength: e.min_length ?? 0,
      read: () => ({ type: e.type, value: input.value === '' ? null : input.value }),
    });
  }
  return input;
}

function renderSimpleInput(e, b, ctx, type, initial, state) {
  const input = el('input', { class: 'bk-text-input', type });
  input.value = initial ?? '';
  if (ctx.surface === 'modal' && b.type === 'input') {
    ctx.inputs.push({ blockId: b.block_id, actionId: e.action_id, read: () => ({ type: e.type, ...state(input.value) }) });
  } else {
    input.addEventListener('change', () => ctx.act(e, b, input.value));
  }
  return input;
}

// ---------------------------------------------------------------- DOM helpers

/** An element with attributes and children (strings become text, never HTML). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== undefined && v !== null) {
      node.setAttribute(k, v);
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Trusted HTML from the renderers in mrkdwn.js (which escape everything they are given). */
export function html(markup) {
  const t = document.createElement('template');
  t.innerHTML = markup;
  return t.content;
}

function safeUrl(url) {
  return /^(https?:|data:image\/)/i.test(url ?? '') ? url : '';
}
