// The sandbox console: Slack's surfaces drawn from what the built-in emulator holds, and every click sent to the
// bot the way Slack sends it (the server turns each call below into a signed request to /slack/events).
//
// One window plays one user at a time (the switcher, or ?as=U0BOB in the address); open two windows to watch two
// people at once. The server pushes "changed" over Server-Sent Events and the page fetches what its user now sees.

import { renderBlocks, el, html } from './blockkit.js';
import { mrkdwn, plainText, textObject } from './mrkdwn.js';
import * as authenticator from './authenticator.js';

const $ = id => document.getElementById(id);
const HOME = 'home';

const app = {
  workspace: null,
  user: null,
  place: null,          // a conversation id, or HOME
  snapshot: null,
  thread: null,         // {conversation, ts}
  modalKey: null,       // id + hash of the modal on screen, so typing survives refreshes
  modalInputs: [],
  homeAsked: {},        // user -> true once app_home_opened was sent this session
};

// ---------------------------------------------------------------- server

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { error: text }; }
  if (!response.ok) {
    throw new Error(json.error || `${response.status} ${response.statusText}`);
  }
  return json;
}

/** Sends an action; reports Slack's own words when the bot was too slow or failed. Returns whether it counted. */
async function send(path, body, what) {
  try {
    const answer = await call('POST', path, { user: app.user, ...body });
    if (!answer.ok) {
      toast(`${what} failed with the error "${answer.error}"`);
      return false;
    }
    return true;
  } catch (e) {
    toast(`${what}: ${e.message}`);
    return false;
  } finally {
    refresh();
  }
}

let refreshing = null;
let again = false;

/** Fetches what the current user sees and redraws; calls during a fetch collapse into one more. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const user = app.user;
      try {
        const snapshot = await call('GET', `/sandbox/api/state?user=${encodeURIComponent(user)}`);
        if (user === app.user) {
          app.snapshot = snapshot;
          render();
        }
      } catch (e) {
        toast(`Could not reach the bot: ${e.message}`);
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

// ---------------------------------------------------------------- names

const names = {
  userName: id => id === app.workspace.bot.id ? 'Breakglass'
    : app.workspace.users.find(u => u.id === id)?.realName,
  channelName: id => app.workspace.channels.find(c => c.id === id)?.name,
  groupHandle: id => app.workspace.groups.find(g => g.id === id)?.handle,
};

const me = () => app.workspace.users.find(u => u.id === app.user);
const dmOf = user => app.workspace.users.find(u => u.id === user)?.dm;

// ---------------------------------------------------------------- unread markers

const seenKey = () => `bg.seen.${app.user}`;
const seen = () => JSON.parse(localStorage.getItem(seenKey()) || '{}');

function markSeen(conversation, count) {
  const s = seen();
  if (s[conversation] !== count) {
    s[conversation] = count;
    localStorage.setItem(seenKey(), JSON.stringify(s));
  }
}

function unread(conversation) {
  const items = app.snapshot?.conversations?.[conversation] ?? [];
  return items.length > (seen()[conversation] ?? 0);
}

// ---------------------------------------------------------------- drawing

function render() {
  renderSidebar();
  if (app.place === HOME) {
    renderHome();
  } else {
    renderConversation();
  }
  renderThread();
  renderModal();
  renderGuide();
  $('app').setAttribute('aria-busy', 'false');
}

function renderSidebar() {
  const user = me();
  $('user-role').textContent = user.title + ' — ' + user.role;
  $('user-groups').textContent = user.groups.length
    ? 'Groups: ' + user.groups.map(g => '@' + g.handle).join(', ') : 'In no user group';
  const item = (label, place, extra) => {
    const li = el('li', { class: 'nav-item' + (app.place === place ? ' active' : '') + (place !== HOME && place !== app.place && unread(place) ? ' unread' : ''),
      'data-place': place, tabindex: '0', role: 'button' }, label);
    if (extra) li.append(extra);
    li.addEventListener('click', () => go(place));
    li.addEventListener('keydown', e => { if (e.key === 'Enter') go(place); });
    return li;
  };
  const badge = place => place !== app.place && unread(place) ? el('span', { class: 'badge', title: 'New' }, '•') : null;
  $('nav-apps').replaceChildren(item('🏠 Breakglass — Home', HOME));
  $('nav-channels').replaceChildren(...app.workspace.channels.map(c => item('# ' + c.name, c.id, badge(c.id))));
  const dm = dmOf(app.user);
  $('nav-dms').replaceChildren(item('🤖 Breakglass', dm, badge(dm)));
}

function renderConversation() {
  $('home').hidden = true;
  $('messages').hidden = false;
  $('composer').hidden = false;
  const channel = app.workspace.channels.find(c => c.id === app.place);
  $('channel-title').textContent = channel ? '# ' + channel.name : 'Breakglass';
  $('channel-purpose').textContent = channel ? channel.purpose : 'Your direct messages with the Breakglass app';
  const items = app.snapshot.conversations[app.place] ?? [];
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const top = items.filter(m => !m.threadTs || m.threadTs === m.ts);
  box.replaceChildren(...(top.length ? top.map(m => message(m, app.place, items)) : [emptyNote()]));
  if (atBottom) {
    box.scrollTop = box.scrollHeight;
  }
  markSeen(app.place, items.length);
}

function emptyNote() {
  return el('div', { class: 'empty' }, app.place === dmOf(app.user)
    ? 'Nothing here yet. The bot writes to you here when you ask for access.'
    : 'Nothing here yet. Requests and their progress show up here.');
}

function message(m, conversation, all) {
  const author = names.userName(m.user) ?? m.user;
  const isBot = m.user === app.workspace.bot.id;
  const head = el('div', { class: 'message-head' },
    el('span', { class: 'author' }, author),
    isBot ? el('span', { class: 'app-badge' }, 'APP') : null,
    el('span', { class: 'time', title: m.ts }, time(m.ts)));
  const body = el('div', { class: 'message-body' });
  if (m.blocks && m.blocks.length) {
    body.append(renderBlocks(m.blocks, blockContext('message', (e, b, value) =>
      send('/sandbox/api/click', { channel: conversation, ts: m.ts, action_id: e.action_id, value },
        `The ${label(e)} button`).then(ok => ok && progress.action(e.action_id)))));
  } else {
    body.append(html(`<div class="mrkdwn">${mrkdwn(m.text, names)}</div>`));
  }
  if (m.edited) {
    body.append(el('span', { class: 'edited' }, '(edited)'));
  }
  const node = el('div', { class: 'message' + (m.ephemeral ? ' ephemeral' : ''), 'data-ts': m.ts,
    'data-conversation': conversation }, avatar(m.user, isBot), el('div', { class: 'message-main' }, head, body));
  if (m.ephemeral) {
    node.querySelector('.message-main').append(el('div', { class: 'only-you' }, '👁 Only visible to you'));
  }
  const replies = all ? all.filter(r => r.threadTs === m.ts && r.ts !== m.ts) : [];
  if (replies.length) {
    const link = el('button', { type: 'button', class: 'replies' },
      `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`,
      el('span', { class: 'last-reply' }, ' · last reply ' + time(replies[replies.length - 1].ts)));
    link.addEventListener('click', () => { app.thread = { conversation, ts: m.ts }; renderThread(); });
    node.querySelector('.message-main').append(link);
  }
  return node;
}

function label(e) {
  return e.text?.text ? `"${e.text.text}"` : e.type;
}

function avatar(user, isBot) {
  if (isBot) {
    return el('div', { class: 'avatar bot', 'aria-hidden': 'true' }, '⤴');
  }
  const name = names.userName(user) ?? user;
  const hue = [...user].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  const a = el('div', { class: 'avatar', 'aria-hidden': 'true' }, name.split(' ').map(p => p[0]).join('').slice(0, 2));
  a.style.background = `hsl(${hue} 45% 42%)`;
  return a;
}

function time(ts) {
  const d = new Date(Number(String(ts).split('.')[0]) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderThread() {
  const pane = $('thread');
  if (!app.thread || !app.snapshot) {
    pane.hidden = true;
    return;
  }
  const items = app.snapshot.conversations[app.thread.conversation] ?? [];
  const parent = items.find(m => m.ts === app.thread.ts);
  if (!parent) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  $('thread-where').textContent = ' # ' + (names.channelName(app.thread.conversation) ?? 'Breakglass');
  const replies = items.filter(m => m.threadTs === parent.ts && m.ts !== parent.ts);
  $('thread-messages').replaceChildren(message(parent, app.thread.conversation, null),
    el('div', { class: 'thread-count' }, `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`),
    ...replies.map(r => message(r, app.thread.conversation, null)));
}

function renderHome() {
  $('messages').hidden = true;
  $('composer').hidden = true;
  const box = $('home');
  box.hidden = false;
  $('channel-title').textContent = '🏠 Breakglass';
  $('channel-purpose').textContent = 'Home: your requests, your access, what waits for you';
  const home = app.snapshot.home;
  if (!app.homeAsked[app.user]) {
    app.homeAsked[app.user] = true;
    send('/sandbox/api/home', {}, 'Opening Home');
  }
  if (!home) {
    box.replaceChildren(el('div', { class: 'empty' }, 'Opening Home…'));
    return;
  }
  box.replaceChildren(renderBlocks(home.blocks, blockContext('home', (e, b, value) =>
    send('/sandbox/api/click', { view_id: home.id, action_id: e.action_id, value }, `The ${label(e)} button`)
      .then(ok => ok && progress.action(e.action_id)))));
}

function blockContext(surface, act) {
  return {
    names, surface, act, confirm,
    users: app.workspace.users, channels: app.workspace.channels,
    inputs: [], errors: {},
  };
}

// ---------------------------------------------------------------- modals

function renderModal() {
  const modal = app.snapshot.modal;
  const overlay = $('modal-overlay');
  if (!modal) {
    overlay.hidden = true;
    app.modalKey = null;
    return;
  }
  const key = modal.id + '/' + modal.view.hash;
  if (key !== app.modalKey) {
    app.modalKey = key;
    const view = modal.view;
    $('modal-title').replaceChildren(html(plainText(view.title)));
    const ctx = blockContext('modal', (e, b, value) =>
      send('/sandbox/api/click', { view_id: modal.id, action_id: e.action_id, value }, `The ${label(e)} button`));
    $('modal-body').replaceChildren(renderBlocks(view.blocks, ctx));
    app.modalInputs = ctx.inputs;
    demoAuthenticator(view);
    const footer = [];
    const close = el('button', { type: 'button', class: 'bk-button', id: 'modal-close' },
      html(plainText(view.close ?? { type: 'plain_text', text: 'Cancel' })));
    close.addEventListener('click', () => closeModal(modal.id));
    footer.push(close);
    if (view.submit) {
      const submit = el('button', { type: 'button', class: 'bk-button primary', id: 'modal-submit' },
        html(plainText(view.submit)));
      submit.addEventListener('click', () => submitModal(modal.id, view.callback_id, submit));
      footer.push(submit);
    }
    $('modal-footer').replaceChildren(...footer);
    $('modal-x').onclick = () => closeModal(modal.id);
    overlay.hidden = false;
  }
  showErrors(modal.errors ?? {});
}

/**
 * Step-up in the sandbox: the page plays the demo user's authenticator app. It keeps the secret an enrolment modal
 * shows, and next to a step-up code field it shows the current code with a button that fills it in.
 */
function demoAuthenticator(view) {
  const uri = authenticator.otpauthIn(view);
  if (uri) authenticator.remember(app.user, uri);
  const field = $('modal-body').querySelector('.bk-input[data-block-id="step_up_code"] input');
  if (!field) return;
  const user = app.user;
  const panel = el('div', { class: 'demo-authenticator', id: 'demo-authenticator' });
  field.closest('.bk-input').append(panel);
  if (!authenticator.knows(user)) {
    panel.append('Demo authenticator: not set up for this user in this browser. Run /breakglass mfa enroll first.');
    return;
  }
  const shown = el('code', { id: 'demo-code' }, '……');
  const fill = el('button', { type: 'button', class: 'bk-button', id: 'demo-fill' }, 'Fill in');
  panel.append('Demo authenticator (this page plays your phone): ', shown, ' ', fill);
  const tick = async () => {
    if (!panel.isConnected) return;
    shown.textContent = await authenticator.code(user);
    setTimeout(tick, 1000);
  };
  tick();
  fill.addEventListener('click', async () => { field.value = await authenticator.code(user); });
}

/** response_action: errors — shown under each field, keeping what the person typed. */
function showErrors(errors) {
  for (const box of $('modal-body').querySelectorAll('.bk-input')) {
    box.querySelector('.bk-error')?.remove();
    box.classList.remove('has-error');
    const message = errors[box.dataset.blockId];
    if (message) {
      box.classList.add('has-error');
      box.append(el('div', { class: 'bk-error', role: 'alert' }, message));
    }
  }
}

async function submitModal(viewId, callbackId, button) {
  // What Slack's client checks before it sends: required fields and min_length.
  const local = {};
  const values = {};
  for (const input of app.modalInputs) {
    const state = input.read();
    const empty = state.value === null || state.selected_option === null || state.selected_date === null
      || state.selected_user === null || (Array.isArray(state.selected_options) && !state.selected_options.length);
    if (empty && !input.optional) {
      local[input.blockId] = 'Please complete this required field.';
    } else if (input.minLength && state.value && state.value.length < input.minLength) {
      local[input.blockId] = `Must be at least ${input.minLength} characters.`;
    }
    (values[input.blockId] ??= {})[input.actionId] = state;
  }
  if (Object.keys(local).length) {
    showErrors(local);
    return;
  }
  button.disabled = true;
  try {
    const ok = await send('/sandbox/api/submit', { view_id: viewId, values }, 'Submitting the form');
    if (ok) progress.submitted(callbackId);
  } finally {
    button.disabled = false;
  }
}

function closeModal(viewId) {
  send('/sandbox/api/close', { view_id: viewId }, 'Closing the form');
}

function confirm(dialog) {
  return new Promise(resolve => {
    $('confirm-title').replaceChildren(html(plainText(dialog.title ?? { type: 'plain_text', text: 'Are you sure?' })));
    $('confirm-text').replaceChildren(html(textObject(dialog.text, names)));
    $('confirm-ok').replaceChildren(html(plainText(dialog.confirm ?? { type: 'plain_text', text: 'Yes' })));
    $('confirm-deny').replaceChildren(html(plainText(dialog.deny ?? { type: 'plain_text', text: 'Cancel' })));
    $('confirm-ok').className = 'bk-button ' + (dialog.style === 'danger' ? 'danger' : 'primary');
    const overlay = $('confirm-overlay');
    overlay.hidden = false;
    const done = answer => {
      overlay.hidden = true;
      $('confirm-ok').onclick = $('confirm-deny').onclick = null;
      resolve(answer);
    };
    $('confirm-ok').onclick = () => done(true);
    $('confirm-deny').onclick = () => done(false);
  });
}

// ---------------------------------------------------------------- composer

async function compose(event) {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value.trim();
  if (!text) return;
  const command = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
  if (!command) {
    toast('Only slash commands reach the bot in the sandbox. Try /breakglass help.');
    return;
  }
  if (command[1] !== 'breakglass') {
    toast(`/${command[1]} is not a valid command. In the sandbox only /breakglass is installed.`);
    return;
  }
  input.value = '';
  const ok = await send('/sandbox/api/command', { channel: app.place, text: command[2] }, '/breakglass');
  if (ok && /^request\s/.test(command[2])) progress.step('ask');
}

// ---------------------------------------------------------------- guided tour

const STEPS = [
  ['ask', 'As <b>Alice</b>, ask for access: type <code>/breakglass</code> for the form, or <code>/breakglass request demo-db 2m kind:outage incident:INC-42 disk full on the primary</code>.'],
  ['approve', 'Switch to <b>Bob</b> and press <b>Approve</b> on the card in <b>#breakglass-approvals</b>.'],
  ['reveal', 'Back as <b>Alice</b>, open the DM with Breakglass and press <b>Reveal credentials</b> — it works once.'],
  ['end', 'Watch it end: press <b>I\'m done</b>, or let the time run out. <b>#security</b> and <b>#mgmt</b> see every step.'],
  ['review', 'As <b>Alice</b>, open the post-mortem thread under the card and press <b>Write review</b>.'],
  ['signoff', 'Switch to <b>Carol</b> (security) and press <b>Sign off</b> in the thread.'],
];
const ACTION_STEPS = { bg_approve: 'approve', bg_reveal: 'reveal', bg_done: 'end', bg_sign_off: 'signoff' };
const SUBMIT_STEPS = { bg_request: 'ask', bg_review_form: 'review' };

const progress = {
  read: () => JSON.parse(localStorage.getItem('bg.guide') || '{"done":{}}'),
  write(p) { localStorage.setItem('bg.guide', JSON.stringify(p)); renderGuide(); },
  step(id) { const p = this.read(); if (!p.done[id]) { p.done[id] = true; this.write(p); } },
  action(actionId) { if (ACTION_STEPS[actionId]) this.step(ACTION_STEPS[actionId]); },
  submitted(callbackId) { if (SUBMIT_STEPS[callbackId]) this.step(SUBMIT_STEPS[callbackId]); },
};

function renderGuide() {
  const p = progress.read();
  // Access that ended on its own counts too: the post-mortem thread under a card is the sign.
  const approvals = app.snapshot?.conversations?.[app.workspace.channels[0]?.id] ?? [];
  if (!p.done.end && approvals.some(m => m.threadTs && m.threadTs !== m.ts)) {
    p.done.end = true;
    localStorage.setItem('bg.guide', JSON.stringify(p));
  }
  $('guide').hidden = !!p.dismissed;
  $('show-guide').hidden = !p.dismissed;
  $('guide-steps').replaceChildren(...STEPS.map(([id, text]) =>
    el('li', { class: p.done[id] ? 'done' : '', 'data-step': id }, html(text))));
}

// ---------------------------------------------------------------- toasts and navigation

function toast(text) {
  const t = el('div', { class: 'toast', role: 'status' }, text);
  $('toasts').append(t);
  setTimeout(() => t.remove(), 8000);
}

/**
 * A link to a message of this workspace (a permalink from chat.getPermalink, like the notify lines' "request
 * card") opens that message here instead of a Slack that does not exist.
 */
function followPermalink(event) {
  const link = event.target.closest('a[href]');
  const m = link && /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(link.getAttribute('href'));
  if (!m) return;
  const conversation = m[1];
  if (!app.workspace.channels.some(c => c.id === conversation) && conversation !== dmOf(app.user)) return;
  event.preventDefault();
  go(conversation);
  const target = document.querySelector(`.message[data-ts="${m[2]}.${m[3]}"]`);
  if (target) {
    target.scrollIntoView({ block: 'center' });
    target.classList.add('highlight');
    setTimeout(() => target.classList.remove('highlight'), 2500);
  }
}

function go(place) {
  app.place = place;
  app.thread = null;
  render();
  if (place === HOME) {
    app.homeAsked[app.user] = false;
    renderHome();
  }
}

function switchUser(user) {
  app.user = user;
  localStorage.setItem('bg.user', user);
  const url = new URL(location.href);
  url.searchParams.set('as', user);
  history.replaceState(null, '', url);
  app.modalKey = null;
  app.thread = null;
  if (app.place !== HOME && !app.workspace.channels.some(c => c.id === app.place)) {
    app.place = app.workspace.channels[0].id;
  }
  refresh();
}

async function start() {
  app.workspace = await call('GET', '/sandbox/api/workspace');
  $('workspace-name').textContent = app.workspace.team.name;
  const wanted = new URL(location.href).searchParams.get('as') || localStorage.getItem('bg.user');
  app.user = app.workspace.users.some(u => u.id === wanted) ? wanted : app.workspace.users[0].id;
  app.place = app.workspace.channels[0].id;
  const switcher = $('user-switcher');
  switcher.replaceChildren(...app.workspace.users.map(u =>
    el('option', { value: u.id }, u.realName)));
  switcher.value = app.user;
  switcher.addEventListener('change', () => switchUser(switcher.value));
  $('composer').addEventListener('submit', compose);
  document.addEventListener('click', followPermalink);
  $('thread-close').addEventListener('click', () => { app.thread = null; renderThread(); });
  $('guide-close').addEventListener('click', () => { const p = progress.read(); p.dismissed = true; progress.write(p); });
  $('show-guide').addEventListener('click', e => { e.preventDefault(); const p = progress.read(); p.dismissed = false; progress.write(p); });
  window.addEventListener('storage', e => { if (e.key === 'bg.guide') renderGuide(); });
  switchUser(app.user);
  const events = new EventSource('/sandbox/api/events');
  events.addEventListener('changed', () => refresh());
}

start().catch(e => toast(`The console could not start: ${e.message}`));
