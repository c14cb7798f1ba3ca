// Slack's mrkdwn and plain_text, rendered to safe HTML.
//
// The text arrives as Slack stores it: the only real angle brackets are Slack's own tokens (<@U…>, <#C…|name>,
// <!here>, <url|label>), and a literal "<", ">" or "&" typed by a person is &lt;, &gt;, &amp;. So user text the
// bot escaped, like "&lt;!here&gt;", is shown literally as "<!here>" and never becomes a mention or a link.
// Everything is HTML-escaped before it reaches the page; only http(s) and mailto links become anchors.

const EMOJI = {
  alarm_clock: '⏰', ballot_box_with_check: '☑️', bell: '🔔', heavy_multiplication_x: '✖️', heavy_plus_sign: '➕',
  hourglass: '⌛', hourglass_flowing_sand: '⏳', inbox_tray: '📥', information_source: 'ℹ️',
  large_green_circle: '🟢', leftwards_arrow_with_hook: '↩️', lock: '🔒', unlock: '🔓', memo: '📝', pencil: '✏️',
  no_entry: '⛔', no_entry_sign: '🚫', rotating_light: '🚨', tada: '🎉', warning: '⚠️', white_check_mark: '✅',
  x: '❌', key: '🔑', wave: '👋', eyes: '👀', red_circle: '🔴', large_blue_circle: '🔵', clock1: '🕐',
  stopwatch: '⏱️', shield: '🛡️', fire: '🔥', hammer_and_wrench: '🛠️', sos: '🆘', point_right: '👉',
};

/** HTML-escapes text for the page. */
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Slack's three entities back to characters (only those: Slack escapes nothing else). */
export function decode(text) {
  return String(text ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emoji(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ? `<span class="emoji" title=":${name}:">${EMOJI[name]}</span>` : all);
}

/** A plain_text object's text: escaped, emoji shortcodes shown when emoji is on (Slack's default). */
export function plainText(obj) {
  const html = esc(obj?.text ?? '');
  return obj?.emoji === false ? html : emoji(html);
}

/** One of Slack's <…> tokens as HTML. */
function token(body, ctx) {
  const [target, label] = splitOnce(body, '|');
  if (target.startsWith('@U') || target.startsWith('@W') || target.startsWith('@B')) {
    const id = target.slice(1);
    return `<span class="mention" data-bk="user-mention" data-user="${esc(id)}">@${esc(ctx.userName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#C') || target.startsWith('#G') || target.startsWith('#D')) {
    const id = target.slice(1);
    return `<span class="mention channel" data-bk="channel-mention">#${esc(ctx.channelName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = ctx.groupHandle(id) ?? (label ? label.replace(/^@/, '') : id);
    return `<span class="mention" data-bk="group-mention">@${esc(handle)}</span>`;
  }
  if (target === '!here' || target === '!channel' || target === '!everyone') {
    return `<span class="mention broadcast" data-bk="broadcast">@${target.slice(1)}</span>`;
  }
  if (target.startsWith('!date^')) {
    return esc(decode(label ?? target));
  }
  const url = decode(target);
  if (/^(https?:|mailto:)/i.test(url)) {
    const text = label !== undefined ? label : target;
    return `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer" data-bk="link">${esc(decode(text))}</a>`;
  }
  return esc(`<${decode(body)}>`);
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Inline formatting of one line: code, tokens, then *bold*, _italic_, ~strike~ around them. */
function inline(line, ctx) {
  const held = [];
  const hold = html => `\u0000${held.push(html) - 1}\u0000`;
  let text = '';
  let last = 0;
  const re = /`([^`\n]+)`|<([^<>\n]+)>/g;
  let m;
  while ((m = re.exec(line)) !== null) {
    text += esc(decode(line.slice(last, m.index)));
    text += m[1] !== undefined ? hold(`<code data-bk="code">${esc(decode(m[1]))}</code>`) : hold(token(m[2], ctx));
    last = re.lastIndex;
  }
  text += esc(decode(line.slice(last)));
  const edge = '(^|[\\s(\\u0000>])';
  const end = '(?=$|[\\s.,;:!?)\\u0000<])';
  text = text.replace(new RegExp(`${edge}\\*([^*\\s](?:[^*]*[^*\\s])?)\\*${end}`, 'g'), '$1<b>$2</b>');
  text = text.replace(new RegExp(`${edge}_([^_\\s](?:[^_]*[^_\\s])?)_${end}`, 'g'), '$1<i>$2</i>');
  text = text.replace(new RegExp(`${edge}~([^~\\s](?:[^~]*[^~\\s])?)~${end}`, 'g'), '$1<s>$2</s>');
  text = emoji(text);
  return text.replace(/\u0000(\d+)\u0000/g, (all, i) => held[Number(i)]);
}

/**
 * mrkdwn to HTML: ``` code blocks ```, > quotes, lists (lines starting with •, - or "1."), line breaks, and the
 * inline forms. ctx names people, channels and groups: {userName(id), channelName(id), groupHandle(id)}.
 */
export function mrkdwn(raw, ctx) {
  // Slack does not show leading or trailing blank lines.
  const parts = String(raw ?? '').replace(/^\s*\n/, '').replace(/\s+$/, '').split('```');
  let html = '';
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) {
      html += `<pre data-bk="preformatted">${esc(decode(part.replace(/^\n/, '')))}</pre>`;
    } else {
      html += lines(i % 2 === 1 ? '```' + part : part, ctx);
    }
  });
  return html;
}

function lines(text, ctx) {
  const out = [];
  let quote = [];
  const flush = () => {
    if (quote.length) {
      out.push(`<blockquote data-bk="quote">${quote.join('<br>')}</blockquote>`);
      quote = [];
    }
  };
  for (const line of text.split('\n')) {
    const q = /^(?:&gt;|>)\s?(.*)$/.exec(line);
    if (q) {
      quote.push(inline(q[1], ctx));
      continue;
    }
    flush();
    const li = /^\s*(•|◦|-|\d+\.)\s+(.*)$/.exec(line);
    if (li) {
      const bullet = li[1] === '-' ? '•' : li[1];
      out.push(`<div class="li" data-bk="list-item"><span class="bullet">${esc(bullet)}</span>${inline(li[2], ctx)}</div>`);
    } else {
      out.push(`<div class="line">${line.trim() === '' ? '&nbsp;' : inline(line, ctx)}</div>`);
    }
  }
  flush();
  return out.join('');
}

/** A text object (plain_text or mrkdwn) as HTML, marked with its type for tests. */
export function textObject(obj, ctx) {
  if (!obj) {
    return '';
  }
  if (obj.type === 'mrkdwn') {
    return `<span class="mrkdwn" data-bk="mrkdwn">${mrkdwn(obj.text, ctx)}</span>`;
  }
  return `<span class="plain" data-bk="plain_text">${plainText(obj)}</span>`;
}

