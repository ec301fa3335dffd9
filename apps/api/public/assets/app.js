// The side-by-side page: one column per mounted strategy (GET /strategies), each with the
// same actions, its credential taken apart, and what the server keeps for it.

import { call, reasonOf } from './api.js';
import { renderBenchmarks } from './charts.js';
import {
  decodeJwt,
  decodeSignedToken,
  formatRemaining,
  isoOf,
  JWT_CLAIMS,
  JWT_HEADER_FIELDS,
  SIGNED_TOKEN_FIELDS,
  splitSegments,
  tamper,
} from './credentials.js';
import { h, replaceChildren, uid } from './dom.js';

const PROBE_INTERVAL_MS = 2000;

const SHORT_LIFETIMES_HINT =
  'start the API with each strategy’s lifetime variable (…_TTL) set to a few seconds';

/** What a column shows when the settings say nothing about its strategy. */
function describedOrPlain(name) {
  const described = settings.strategies[name];
  const page = described && typeof described === 'object' ? described : {};
  return {
    title: typeof page.title === 'string' ? page.title : name,
    summary: typeof page.summary === 'string' ? page.summary : '',
    store: typeof page.store === 'string' ? page.store : '',
    lifetimeSeconds: Number.isFinite(page.lifetimeSeconds) ? page.lifetimeSeconds : null,
    otherLifetimes:
      page.otherLifetimes && typeof page.otherLifetimes === 'object'
        ? Object.entries(page.otherLifetimes).filter(([, seconds]) => Number.isFinite(seconds))
        : [],
    credential: page.credential && typeof page.credential === 'object' ? page.credential : { format: null },
    actions: Array.isArray(page.actions) ? page.actions : [],
  };
}

/** `GET /demo/settings`: `strategies` holds each mounted strategy's own description. */
const settings = {
  strategies: {},
  demoMode: false,
  inspection: false,
  benchmarks: false,
};

// ---------------------------------------------------------------- countdowns

const countdowns = new Set();

function countdown(deadline) {
  const element = h('span', { class: 'countdown', 'data-role': 'countdown' });
  const entry = { element, deadline };
  countdowns.add(entry);
  paintCountdown(entry);
  return element;
}

function paintCountdown({ element, deadline }) {
  const remaining = deadline - Date.now();
  element.textContent = remaining > 0 ? `${formatRemaining(remaining)} left` : 'expired';
  element.classList.toggle('expired', remaining <= 0);
}

setInterval(() => {
  for (const entry of countdowns) {
    if (entry.element.isConnected) paintCountdown(entry);
    else countdowns.delete(entry);
  }
}, 1000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- account

function account() {
  return {
    username: document.getElementById('username').value.trim(),
    password: document.getElementById('password').value,
  };
}

function randomText(length, alphabet) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

const LOWER = 'abcdefghijkmnpqrstuvwxyz23456789';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function setStatus(element, text, kind) {
  element.textContent = text;
  element.classList.toggle('ok', kind === 'ok');
  element.classList.toggle('refused', kind === 'refused');
}

async function register(event) {
  event.preventDefault();
  const status = document.getElementById('register-status');
  const { username, password } = account();
  const result = await call('POST', '/register', { body: { username, password } });
  const ms = `${result.latencyMs.toFixed(1)} ms`;
  if (result.status === 201) {
    setStatus(
      status,
      `201 Created in ${ms}: registered “${result.body.username}” (id ${result.body.id}). Now log in with each strategy.`,
      'ok',
    );
  } else {
    const reason = reasonOf(result.problem);
    setStatus(
      status,
      `${result.status} ${result.statusText} in ${ms}: ${reason?.explanation || reason?.detail || 'registration failed'}${reason?.detail && reason.detail !== reason.explanation ? ` (${reason.detail})` : ''}`,
      'refused',
    );
  }
}

// ---------------------------------------------------------------- small renderers

function fieldsTable(caption, rows) {
  return h(
    'table',
    { class: 'fields' },
    h('caption', { class: 'sr-only', text: caption }),
    h(
      'thead',
      { class: 'sr-only' },
      h(
        'tr',
        {},
        h('th', { scope: 'col', text: 'field' }),
        h('th', { scope: 'col', text: 'value' }),
        h('th', { scope: 'col', text: 'meaning' }),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map(([name, value, meaning, extra]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', text: name }),
          h(
            'td',
            { class: 'value' },
            typeof value === 'string' ? value : JSON.stringify(value),
            extra ? [' ', extra] : [],
          ),
          h('td', { class: 'meaning', text: meaning ?? '' }),
        ),
      ),
    ),
  );
}

/** The token coloured by segment, and its legend: one list of [text, class, name] drives both. */
function segmentedToken(parts, label, separator = '.') {
  const children = [];
  parts.forEach(([text, className], index) => {
    if (index > 0) children.push(h('span', { class: 'seg-dot', text: separator }));
    children.push(h('span', { class: className, text }));
  });
  return [
    h('p', { class: 'token-text', 'aria-label': label }, children),
    h(
      'ul',
      { class: 'legend' },
      parts.map(([, className, name]) => h('li', { class: className, text: name })),
    ),
  ];
}

const SEGMENT_CLASSES = ['seg-header', 'seg-payload', 'seg-timestamp'];

/** A credential the strategy describes as parts on a separator: each part named and explained. */
function segmentsParts(value, anatomy) {
  const split = splitSegments(value, anatomy);
  if (!split.ok) return h('p', { text: `Not the form this strategy describes (${split.error}).` });
  const last = split.parts.length - 1;
  const classOf = (index) =>
    index === last && index > 0 ? 'seg-signature' : SEGMENT_CLASSES[index % SEGMENT_CLASSES.length];
  return h('div', { 'data-role': 'segments' }, [
    ...segmentedToken(
      split.parts.map(({ text, name }, index) => [text, classOf(index), name]),
      `the token: ${split.parts.map(({ name }) => name).join(', ')}`,
      split.separator,
    ),
    fieldsTable(
      'token segments',
      split.parts.map(({ name, text, meaning }) => [name, text, meaning]),
    ),
  ]);
}

function withFlippedCharacter(value, index) {
  return h(
    'p',
    { class: 'token-text', 'data-role': 'tampered-value' },
    value.slice(0, index),
    h('mark', { class: 'flipped', text: value.charAt(index) }),
    value.slice(index + 1),
  );
}

function claimRows(object, meanings, instantMs) {
  return Object.entries(object).map(([name, value]) => {
    let shown = typeof value === 'string' ? value : JSON.stringify(value);
    let extra = null;
    if ((name === 'iat' || name === 'exp' || name === 'nbf') && typeof value === 'number') {
      shown = `${value} = ${isoOf(value * 1000)}`;
      if (name === 'exp' && instantMs !== null) extra = countdown(instantMs);
    }
    if (name === 'iat_ms' && typeof value === 'number') shown = `${value} = ${isoOf(value)}`;
    return [name, shown, meanings[name] ?? '', extra];
  });
}

// ---------------------------------------------------------------- one column

class StrategyColumn {
  constructor(description) {
    this.name = String(description.name);
    this.prefix = String(description.prefix ?? `/${this.name}`);
    this.traits = description.traits ?? {};
    this.bearer = this.traits.transport === 'bearer';
    /** Words, lifetimes and credential anatomy, from the strategy's own descriptor. */
    this.described = describedOrPlain(this.name);
    /** bearer: { value, refreshToken, spentRefreshToken, receivedAt, lifetimeMs, state } */
    this.credential = null;
    this.sessionView = null;
    this.lastSessionUse = null;
    this.tampered = null;
    this.waiting = null;
    this.busy = false;
    this.element = this.render();
  }

  // ---- layout

  render() {
    const titleId = uid(`${this.name}-title`);
    this.refs = {
      request: h('p', { class: 'request', 'data-role': 'last-request', text: 'No request yet.' }),
      status: h('span', { class: 'status', 'data-role': 'last-status' }),
      latency: h('span', { class: 'latency', 'data-role': 'last-latency' }),
      reason: h('p', { class: 'reason', 'data-role': 'last-reason' }),
      body: h('pre', {
        'data-role': 'last-body',
        tabindex: '0',
        'aria-label': `${this.name}: last response body`,
      }),
      history: h('ol', { 'data-role': 'history' }),
      waitStatus: h('p', { class: 'wait-status', 'data-role': 'wait-status', 'aria-live': 'polite' }),
      credential: h('div', { 'data-role': 'credential' }),
      store: h('div', { 'data-role': 'store' }),
    };
    const action = (label, handler, name, extra = {}) =>
      h(
        'button',
        { type: 'button', 'data-action': name, on: { click: () => this.run(handler) }, ...extra },
        label,
      );
    this.waitButton = h(
      'button',
      {
        type: 'button',
        'data-action': 'wait',
        'aria-pressed': 'false',
        on: { click: () => this.toggleWait() },
      },
      'Wait for expiry',
    );
    const actions = [
      action('Log in', () => this.login(), 'login', { class: 'action-primary' }),
      action('Call protected', () => this.callProtected(), 'protected'),
      action('Log out', () => this.logout(), 'logout'),
      action('Log out everywhere', () => this.logoutAll(), 'logout-all'),
      this.described.actions.includes('refresh') ? action('Refresh', () => this.refresh(), 'refresh') : null,
      action('Tamper', () => this.tamper(), 'tamper'),
      this.waitButton,
    ];
    const article = h(
      'article',
      { class: 'column', 'data-strategy': this.name, 'aria-labelledby': titleId },
      h(
        'h3',
        { id: titleId },
        this.described.title,
        h('span', { class: 'sr-only', text: ` (${this.prefix})` }),
      ),
      h('p', { class: 'summary' }, h('code', { text: this.prefix }), ' — ', this.described.summary),
      h(
        'div',
        { class: 'actions', role: 'group', 'aria-label': `${this.described.title}: actions` },
        actions,
      ),
      this.refs.waitStatus,
      h(
        'section',
        { class: 'result', 'aria-label': `${this.described.title}: last response`, 'aria-live': 'polite' },
        this.refs.request,
        h('p', { class: 'line' }, this.refs.status, this.refs.latency),
        this.refs.reason,
        this.refs.body,
      ),
      h('details', { class: 'history' }, h('summary', { text: 'Earlier requests' }), this.refs.history),
      h('h4', { text: 'The credential, taken apart' }),
      this.refs.credential,
      h('h4', { text: 'What does the server store?' }),
      this.refs.store,
    );
    this.renderCredential();
    this.renderStore();
    return article;
  }

  async run(handler) {
    if (this.busy) return;
    this.busy = true;
    this.element?.setAttribute('aria-busy', 'true');
    try {
      await handler();
    } finally {
      this.busy = false;
      this.element?.removeAttribute('aria-busy');
    }
  }

  // ---- showing a response

  show(result, note) {
    this.refs.request.textContent = `${result.method} ${result.path}${note ? ` — ${note}` : ''}`;
    this.refs.status.textContent = `${result.status} ${result.statusText}`.trim();
    this.refs.status.className = `status ${result.ok ? 'ok' : 'refused'}`;
    this.refs.latency.textContent = `${result.latencyMs.toFixed(1)} ms`;
    const reason = reasonOf(result.problem);
    if (reason) {
      replaceChildren(
        this.refs.reason,
        'Refused: ',
        h('code', { 'data-role': 'reason-code', text: reason.code ?? result.problem.type }),
        ` — ${reason.explanation}`,
      );
    } else if (!result.ok) {
      this.refs.reason.textContent = 'Refused.';
    } else {
      this.refs.reason.textContent = '';
    }
    const headers = result.wwwAuthenticate ? `WWW-Authenticate: ${result.wwwAuthenticate}\n\n` : '';
    const body =
      result.body === null
        ? '(no body)'
        : typeof result.body === 'string'
          ? result.body
          : JSON.stringify(result.body, null, 2);
    this.refs.body.textContent = `${headers}${body}`;
    this.refs.history.prepend(
      h(
        'li',
        {},
        `${result.method} ${result.path} → ${result.status}${reason?.code ? ` ${reason.code}` : ''} (${result.latencyMs.toFixed(1)} ms)${note ? ` — ${note}` : ''}`,
      ),
    );
    while (this.refs.history.children.length > 12) this.refs.history.lastElementChild?.remove();
  }

  note(text) {
    this.refs.request.textContent = text;
    this.refs.status.textContent = '';
    this.refs.status.className = 'status';
    this.refs.latency.textContent = '';
    this.refs.reason.textContent = '';
    this.refs.body.textContent = '';
  }

  async request(method, path, options = {}) {
    const bearer = options.bearer === undefined ? this.credential?.value : options.bearer;
    const result = await call(method, path, { ...options, bearer: this.bearer ? bearer : undefined });
    if (!this.bearer) this.lastSessionUse = Date.now();
    return result;
  }

  // ---- the actions

  async login() {
    const { username, password } = account();
    if (!username || !password) {
      this.note('Fill in a username and password above (and register once) first.');
      return;
    }
    const result = await this.request('POST', `${this.prefix}/login`, {
      body: { username, password },
      bearer: null,
    });
    this.show(result);
    if (result.ok) {
      this.tampered = null;
      if (this.bearer && result.body && typeof result.body.token === 'string') {
        this.credential = {
          value: result.body.token,
          refreshToken: typeof result.body.refreshToken === 'string' ? result.body.refreshToken : null,
          spentRefreshToken: null,
          receivedAt: Date.now(),
          lifetimeMs: this.lifetimeMs(result.body),
          state: 'active',
        };
      } else if (!this.bearer) {
        this.credential = { state: 'active', receivedAt: Date.now() };
      }
      this.renderCredential();
    }
    await this.afterAction();
  }

  async callProtected() {
    if (this.bearer && !this.credential) this.note('No token yet: calling without one.');
    const result = await this.request('GET', `${this.prefix}/protected`);
    this.show(result, this.bearer && !this.credential ? 'without a credential' : undefined);
    await this.afterAction();
  }

  async logout() {
    const result = await this.request('POST', `${this.prefix}/logout`);
    this.show(result);
    if (result.ok && this.credential) {
      this.credential.state = this.bearer
        ? 'logged out: the server now refuses this token — try “Call protected”'
        : 'logged out: the server deleted the record, so this cookie is worthless now';
      this.renderCredential();
    }
    await this.afterAction();
  }

  async logoutAll() {
    const result = await this.request('POST', `${this.prefix}/logout-all`);
    this.show(result);
    if (result.ok && this.credential) {
      this.credential.state =
        'logged out everywhere: every credential of this user for this strategy is refused now';
      this.renderCredential();
    }
    await this.afterAction();
  }

  async refresh() {
    const refreshToken = this.credential?.refreshToken;
    if (!refreshToken) {
      this.note('Log in first: there is no refresh token yet.');
      return;
    }
    const result = await this.request('POST', `${this.prefix}/refresh`, {
      body: { refreshToken },
      bearer: null,
    });
    this.show(result, 'with the refresh token');
    if (result.ok && result.body && typeof result.body.token === 'string') {
      this.credential = {
        value: result.body.token,
        refreshToken: typeof result.body.refreshToken === 'string' ? result.body.refreshToken : null,
        spentRefreshToken: refreshToken,
        receivedAt: Date.now(),
        lifetimeMs: this.lifetimeMs(result.body),
        state:
          'active (refreshed: a new access token and a new refresh token; the old refresh token is spent)',
      };
      this.tampered = null;
      this.renderCredential();
    }
  }

  async replaySpentRefresh() {
    const spent = this.credential?.spentRefreshToken;
    if (!spent) return;
    const result = await this.request('POST', `${this.prefix}/refresh`, {
      body: { refreshToken: spent },
      bearer: null,
    });
    this.show(result, 'replaying the spent refresh token (what a thief who copied it would do)');
    if (!result.ok && this.credential) {
      this.credential.state =
        'the spent refresh token was replayed: the API treats that as theft and revokes the whole family of this login';
      this.renderCredential();
    }
  }

  async tamper() {
    if (this.bearer) {
      if (!this.credential?.value) {
        this.note('Log in first: there is no token to tamper with.');
        return;
      }
      const { credential } = this.described;
      const flipped = tamper(
        this.credential.value,
        credential.format === 'segments' ? credential.separator : '.',
      );
      this.tampered = flipped;
      const result = await this.request('GET', `${this.prefix}/protected`, { bearer: flipped.value });
      this.show(
        result,
        `with one signature character changed (position ${flipped.index + 1}: “${flipped.from}” → “${flipped.to}”)`,
      );
      this.renderCredential();
      return;
    }
    // The session cookie is HttpOnly: this page cannot read it, so it cannot flip one of its
    // characters. It plants a look-alike with a made-up id and signature instead, scoped to
    // the protected path so the browser sends it before the real one, then removes it.
    const name = this.cookieName();
    if (name.startsWith('__Host-')) {
      this.note(
        `The cookie is ${name}: the __Host- prefix forbids any other Path, so a page cannot plant a look-alike. That is the prefix doing its job.`,
      );
      return;
    }
    const path = `${this.prefix}/protected`;
    const forged = `s:${randomText(32, BASE64URL_ALPHABET)}.${randomText(43, BASE64URL_ALPHABET)}`;
    // biome-ignore lint/suspicious/noDocumentCookie: planting the forged cookie is the demonstration.
    document.cookie = `${name}=${encodeURIComponent(forged)}; Path=${path}; SameSite=Strict`;
    let result;
    try {
      result = await call('GET', path);
    } finally {
      // biome-ignore lint/suspicious/noDocumentCookie: removing the planted cookie again.
      document.cookie = `${name}=; Path=${path}; Max-Age=0; SameSite=Strict`;
    }
    this.tampered = { forged };
    this.show(result, 'with a forged cookie (the page cannot read the real one to change a character)');
    this.renderCredential();
    await this.afterAction();
  }

  // ---- waiting for expiry

  toggleWait() {
    if (this.waiting) {
      this.waiting.cancelled = true;
      return;
    }
    void this.waitForExpiry();
  }

  /** Client-clock instant the credential should stop working, or null when unknown. */
  async predictedExpiry() {
    if (this.bearer) {
      const c = this.credential;
      return c && Number.isFinite(c.lifetimeMs) ? c.receivedAt + c.lifetimeMs : null;
    }
    const view = await this.inspectSession();
    if (view === 'refused') return 'refused';
    if (view && Number.isFinite(view.expiresAt) && Number.isFinite(view.now))
      return Date.now() + (view.expiresAt - view.now);
    const idleSeconds = this.described.lifetimeSeconds;
    if (this.lastSessionUse !== null && idleSeconds !== null) {
      return this.lastSessionUse + idleSeconds * 1000;
    }
    return null;
  }

  /** The session already ended: the inspection endpoint ran the same check and says why. */
  async endedAlready(started) {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    this.show(this.sessionResult, `the session record is gone after ${seconds} s`);
    this.refs.waitStatus.textContent = `Refused: ${reasonOf(this.sessionResult.problem)?.code ?? this.sessionResult.status}.`;
    if (this.credential) this.credential.state = 'expired (or otherwise refused — see the reason above)';
    this.renderCredential();
    this.renderStore();
  }

  async waitForExpiry() {
    const waiting = { cancelled: false };
    this.waiting = waiting;
    this.waitButton.textContent = 'Stop waiting';
    this.waitButton.setAttribute('aria-pressed', 'true');
    const started = Date.now();
    let lastProbe = 0;
    let deadline = await this.predictedExpiry();
    if (deadline === 'refused') {
      await this.endedAlready(started);
      this.stopWaiting();
      return;
    }
    const announce = (text) => {
      this.refs.waitStatus.textContent = text;
    };
    announce(
      deadline === null
        ? 'Waiting for the credential to expire; checking every few seconds.'
        : `Waiting: the credential should expire in ${formatRemaining(deadline - Date.now())}.${
            deadline - Date.now() > 120_000
              ? ` That is long: ${SHORT_LIFETIMES_HINT} to watch it happen.`
              : ''
          }`,
    );
    try {
      while (!waiting.cancelled) {
        const now = Date.now();
        const due = deadline !== null && now >= deadline;
        // Bearer credentials do not move when used, so probing costs nothing; a session's idle
        // window restarts on every use, so it is probed only once it should be over.
        const probeAnyway = (this.bearer || deadline === null) && now - lastProbe >= PROBE_INTERVAL_MS;
        if (due || probeAnyway) {
          lastProbe = now;
          const result = await this.request('GET', `${this.prefix}/protected`);
          if (waiting.cancelled) break;
          if (!result.ok) {
            const seconds = ((Date.now() - started) / 1000).toFixed(0);
            this.show(result, `after waiting ${seconds} s`);
            announce(`Refused after ${seconds} s: ${reasonOf(result.problem)?.code ?? result.status}.`);
            if (this.credential)
              this.credential.state = 'expired (or otherwise refused — see the reason above)';
            this.renderCredential();
            await this.afterAction();
            return;
          }
          if (!this.bearer && due) {
            announce(
              'Still valid: the idle window restarted when it was used. Waiting again without touching it.',
            );
            deadline = await this.predictedExpiry();
            if (deadline === 'refused') {
              await this.endedAlready(started);
              return;
            }
          }
        }
        await sleep(500);
      }
      announce('Stopped waiting.');
    } finally {
      this.stopWaiting();
    }
  }

  stopWaiting() {
    this.waiting = null;
    this.waitButton.textContent = 'Wait for expiry';
    this.waitButton.setAttribute('aria-pressed', 'false');
  }

  lifetimeMs(body) {
    if (typeof body.expiresIn === 'number' && Number.isFinite(body.expiresIn)) return body.expiresIn * 1000;
    const seconds = this.described.lifetimeSeconds;
    return seconds === null ? null : seconds * 1000;
  }

  // ---- server state

  async afterAction() {
    if (!this.bearer) {
      await this.inspectSession();
      this.renderCredential();
      this.renderStore();
    }
  }

  /** The caller's own session record (`GET /demo/session-record`), or 'refused' without one. */
  async inspectSession() {
    // The inspection endpoint reads the caller's session cookie: only a cookie column asks.
    if (!settings.inspection || this.described.credential.format !== 'cookie') return null;
    const result = await call('GET', '/demo/session-record');
    this.sessionResult = result;
    this.sessionView = result.ok ? result.body : null;
    return result.ok ? result.body : result.status === 401 ? 'refused' : null;
  }

  // ---- the credential, taken apart

  renderCredential() {
    const target = this.refs.credential;
    if (!this.bearer) {
      replaceChildren(target, this.sessionCredential());
      return;
    }
    const c = this.credential;
    if (!c) {
      replaceChildren(target, h('p', { class: 'state', text: 'No token yet: log in.' }));
      return;
    }
    const active = c.state.startsWith('active');
    const parts = [
      h('p', {
        class: active ? 'state' : 'state ended',
        'data-role': 'credential-state',
        text: `State: ${c.state}.`,
      }),
      h('p', {
        class: 'state',
        text: 'Held in this page’s memory only (not a cookie, not localStorage): a reload forgets it, and JavaScript on this page can read it — which is why the CSP forbids any script but this page’s own.',
      }),
    ];
    if (Number.isFinite(c.lifetimeMs)) {
      parts.push(h('p', { class: 'state' }, 'Remaining lifetime: ', countdown(c.receivedAt + c.lifetimeMs)));
    }
    parts.push(...this.otherLifetimeCountdowns(c.receivedAt));
    parts.push(this.tokenParts(c), ...this.refreshTokenParts(c));
    if (this.tampered?.value) {
      parts.push(
        h('h5', { text: 'Tampered copy (sent by “Tamper”)' }),
        withFlippedCharacter(this.tampered.value, this.tampered.index),
        h('p', {
          class: 'state',
          text: 'One character of the signature differs, so it no longer matches the content: the server refuses it without looking anything up.',
        }),
      );
    }
    replaceChildren(target, parts);
  }

  /** The token taken apart as its strategy describes it: a decoder the page ships, or segments. */
  tokenParts(c) {
    const { credential } = this.described;
    if (credential.format === 'jwt') return this.jwtParts(c);
    if (credential.format === 'itsdangerous') return this.signedTokenParts(c);
    if (credential.format === 'segments') return segmentsParts(c.value, credential);
    return h('div', {}, [
      h('p', { class: 'token-text', text: c.value }),
      h('p', { text: 'Opaque to this page: the strategy does not describe how it is built.' }),
    ]);
  }

  /** Countdowns for the further lifetimes the strategy names (absolute, refresh…), from login. */
  otherLifetimeCountdowns(since) {
    return this.described.otherLifetimes.map(([name, seconds]) =>
      h(
        'p',
        { class: 'state', 'data-role': 'other-lifetime', 'data-lifetime': name },
        `${name} lifetime (${seconds} s): `,
        countdown(since + seconds * 1000),
      ),
    );
  }

  /** The refresh token (when the login returned one) and, once one is spent, its replay. */
  refreshTokenParts(c) {
    const nodes = [];
    if (c.refreshToken) {
      const refresh = this.described.credential.format === 'jwt' ? decodeJwt(c.refreshToken) : { ok: false };
      nodes.push(
        h(
          'details',
          { 'data-role': 'refresh-token' },
          h('summary', { text: 'The refresh token' }),
          h('p', { class: 'token-text', text: c.refreshToken }),
          refresh.ok
            ? fieldsTable('refresh token claims', claimRows(refresh.claims, JWT_CLAIMS, null))
            : h('p', { text: 'Opaque to this page.' }),
          h('p', {
            text: `Sent only to ${this.prefix}/refresh, never as an access token. Each use spends it and returns a new pair; a spent one presented again revokes the whole login family.`,
          }),
        ),
      );
    }
    if (c.spentRefreshToken) {
      nodes.push(
        h(
          'button',
          {
            type: 'button',
            'data-action': 'replay-refresh',
            on: { click: () => this.run(() => this.replaySpentRefresh()) },
          },
          'Replay the spent refresh token',
        ),
      );
    }
    return nodes;
  }

  jwtParts(c) {
    const decoded = decodeJwt(c.value);
    if (!decoded.ok) return h('p', { text: `Not a JWT this page can read (${decoded.error}).` });
    const [header, payload, signature] = decoded.segments;
    // exp is on the server's clock; counted from when this page received the token instead,
    // so a skewed client clock does not distort the countdown.
    const { exp, iat } = decoded.claims;
    const expMs =
      typeof exp === 'number' && typeof iat === 'number' ? c.receivedAt + (exp - iat) * 1000 : null;
    const alg = typeof decoded.header.alg === 'string' ? decoded.header.alg : '?';
    const nodes = [
      ...segmentedToken(
        [
          [header, 'seg-header', 'header'],
          [payload, 'seg-payload', 'payload (claims)'],
          [signature, 'seg-signature', 'signature'],
        ],
        'the token: header, payload and signature',
      ),
      h('h5', { text: 'Header (base64url JSON)' }),
      fieldsTable('JWT header', claimRows(decoded.header, JWT_HEADER_FIELDS, null)),
      h('h5', { text: 'Payload: the claims (base64url JSON — readable by anyone, not encrypted)' }),
      fieldsTable('JWT claims', claimRows(decoded.claims, JWT_CLAIMS, expMs)),
      h('h5', { text: 'Signature' }),
      h('p', {
        text: `${decoded.signatureBytes} bytes of ${alg} over “header.payload”. Only the server can check it (this page has no key); any change to header or payload breaks it.`,
      }),
    ];
    return h('div', {}, nodes);
  }

  signedTokenParts(c) {
    const decoded = decodeSignedToken(c.value);
    if (!decoded.ok) return h('p', { text: `Not a signed token this page can read (${decoded.error}).` });
    const [payload, timestamp, signature] = decoded.segments;
    const issuedMs = decoded.issuedAtSeconds * 1000;
    const nodes = [
      ...segmentedToken(
        [
          [`${decoded.compressed ? '.' : ''}${payload}`, 'seg-payload', 'payload'],
          [timestamp, 'seg-timestamp', 'timestamp'],
          [signature, 'seg-signature', 'signature'],
        ],
        'the token: payload, timestamp and signature',
      ),
      h('h5', { text: 'Payload (base64url JSON — readable by anyone)' }),
      decoded.compressed
        ? h('p', {
            text: 'Compressed: the leading “.” means the JSON was zlib-deflated before encoding because that made it shorter. This page does not inflate it.',
          })
        : fieldsTable('token payload', claimRows(decoded.payload ?? {}, SIGNED_TOKEN_FIELDS, null)),
      h('h5', { text: 'Timestamp' }),
      fieldsTable('token timestamp', [
        [
          'timestamp',
          `${timestamp} → ${decoded.issuedAtSeconds} → ${isoOf(issuedMs)}`,
          'base64url of a big-endian integer: seconds since 1970 when it was signed',
        ],
        [
          'expires',
          Number.isFinite(c.lifetimeMs) ? isoOf(issuedMs + c.lifetimeMs) : 'timestamp + its lifetime',
          'there is no expiry inside: the server refuses it once its age exceeds the configured lifetime',
          Number.isFinite(c.lifetimeMs) ? countdown(c.receivedAt + c.lifetimeMs) : null,
        ],
      ]),
      h('h5', { text: 'Signature' }),
      h('p', {
        text: `${decoded.signatureBytes} bytes: ${decoded.digest} of “payload.timestamp”, keyed by a key derived from the server’s secret and the salt. Only the server can check it.`,
      }),
    ];
    return h('div', {}, nodes);
  }

  /** The cookie's name, as the strategy describes its credential. */
  cookieName() {
    const { credential } = this.described;
    return credential.format === 'cookie' && typeof credential.cookieName === 'string'
      ? credential.cookieName
      : 'sid';
  }

  sessionCredential() {
    const name = this.cookieName();
    const visible = document.cookie;
    const nodes = [
      this.credential
        ? h('p', {
            class: this.credential.state === 'active' ? 'state' : 'state ended',
            'data-role': 'credential-state',
            text: `State: ${this.credential.state}.`,
          })
        : h('p', { class: 'state', text: 'No session yet: log in.' }),
      ...(this.credential ? this.otherLifetimeCountdowns(this.credential.receivedAt) : []),
      h(
        'p',
        {},
        'The credential is the cookie ',
        h('code', { text: name }),
        ' — HttpOnly; SameSite=Lax; Path=/. ',
        h('strong', { text: 'This page’s JavaScript cannot read it' }),
        ': here ',
        h('code', { text: 'document.cookie' }),
        ' is ',
        h('code', { 'data-role': 'document-cookie', text: JSON.stringify(visible) }),
        '. That is the point: a script injected into the page could not steal it (though it could still use it).',
      ),
      h('p', {
        text: 'Its value has the form s:<session id>.<signature>: a random id naming a record on the server, and an HMAC-SHA256 of it with the server’s secret so that nobody can guess another id. It holds no user data.',
      }),
    ];
    if (this.tampered?.forged) {
      nodes.push(
        h('h5', { text: 'Forged cookie (sent by “Tamper”)' }),
        h('p', { class: 'token-text', 'data-role': 'tampered-value', text: this.tampered.forged }),
      );
    }
    nodes.push(h('h5', { text: 'Beside it: the record the server holds' }), this.sessionRecord());
    return h('div', {}, nodes);
  }

  sessionRecord() {
    const button = h(
      'button',
      { type: 'button', 'data-action': 'inspect', on: { click: () => this.run(() => this.afterAction()) } },
      'Show the server’s record',
    );
    if (!settings.inspection) {
      return h('p', {
        'data-role': 'session-record',
        text: 'The inspection endpoint exists only outside production (NODE_ENV=production turns it off).',
      });
    }
    const view = this.sessionView;
    if (!view) {
      const reason = reasonOf(this.sessionResult?.problem ?? null);
      return h(
        'div',
        { 'data-role': 'session-record' },
        h('p', {
          text: this.sessionResult
            ? `No session on the server for this browser (${this.sessionResult.status}${reason?.code ? ` ${reason.code}` : ''}).`
            : 'Not read yet.',
        }),
        button,
      );
    }
    const record = view.record ?? {};
    const expires =
      Number.isFinite(view.expiresAt) && Number.isFinite(view.now)
        ? Date.now() + (view.expiresAt - view.now)
        : null;
    return h(
      'div',
      { 'data-role': 'session-record' },
      h(
        'dl',
        { class: 'pairs' },
        h('dt', { text: 'session id' }),
        h(
          'dd',
          {},
          h('code', { text: view.sessionId }),
          ' (first characters only: the full id is the credential)',
        ),
        h('dt', { text: 'userId' }),
        h('dd', { text: record.userId }),
        h('dt', { text: 'username' }),
        h('dd', { 'data-role': 'record-username', text: record.username }),
        h('dt', { text: 'loginAt' }),
        h('dd', { text: Number.isFinite(record.loginAt) ? isoOf(record.loginAt) : '—' }),
        h('dt', { text: 'lastSeenAt' }),
        h('dd', {
          text: Number.isFinite(record.lastSeenAt)
            ? `${isoOf(record.lastSeenAt)} (moves when the session is used)`
            : '—',
        }),
        h('dt', { text: 'ends' }),
        h(
          'dd',
          {},
          expires === null
            ? '—'
            : [isoOf(view.expiresAt), ' — ', countdown(expires), ' unless used (idle timeout)'],
        ),
        h('dt', { text: 'ends at the latest' }),
        h(
          'dd',
          {},
          Number.isFinite(view.absoluteExpiresAt)
            ? `${isoOf(view.absoluteExpiresAt)} (absolute lifetime, however active)`
            : '—',
        ),
        h('dt', { text: 'kept in' }),
        h('dd', { text: view.store ? `the ${view.store} session store` : '—' }),
      ),
      view.source === 'principal'
        ? h('p', {
            class: 'state',
            text: 'Derived from authenticating the session (the session strategy offers no direct read).',
          })
        : null,
      button,
    );
  }

  renderStore() {
    const t = this.traits;
    const yesNo = (value) => (value === true ? 'yes' : value === false ? 'no' : '—');
    const nodes = [
      h(
        'dl',
        { class: 'pairs', 'data-role': 'traits' },
        h('dt', { text: 'stateless' }),
        h('dd', { text: yesNo(t.stateless) }),
        h('dt', { text: 'per login, the server keeps' }),
        h('dd', { text: t.serverStatePerLogin ?? '—' }),
        h('dt', { text: 'store look-ups per request' }),
        h('dd', { text: String(t.lookupsPerRequest ?? '—') }),
        h('dt', { text: 'logout takes effect' }),
        h('dd', {
          text:
            t.revocation === 'immediate'
              ? 'immediately'
              : t.revocation === 'until-expiry'
                ? 'only at expiry'
                : '—',
        }),
        h('dt', { text: 'travels as' }),
        h('dd', {
          text:
            t.transport === 'cookie'
              ? 'a cookie'
              : t.transport === 'bearer'
                ? 'Authorization: Bearer …'
                : '—',
        }),
      ),
      h('p', { text: this.described.store }),
    ];
    if (t.revocation === 'until-expiry') {
      nodes.push(
        h('p', {
          class: 'warning',
          text: 'As configured now, logging out cannot stop a token before it expires: nothing on the server remembers it.',
        }),
      );
    }
    if (!this.bearer && this.sessionView) {
      nodes.push(
        h('p', { text: 'The record for your session, as the store holds it:' }),
        h('pre', {
          'data-role': 'store-record',
          tabindex: '0',
          text: JSON.stringify(this.sessionView.record, null, 2),
        }),
      );
    }
    replaceChildren(this.refs.store, nodes);
  }
}

// ---------------------------------------------------------------- start

async function loadSettings() {
  const result = await call('GET', '/demo/settings');
  if (!result.ok || !result.body || typeof result.body !== 'object') return;
  const { strategies } = result.body;
  settings.strategies = strategies && typeof strategies === 'object' ? strategies : {};
  settings.demoMode = result.body.demoMode === true;
  settings.inspection = result.body.inspection === true;
  settings.benchmarks = result.body.benchmarks === true;
  const note = document.getElementById('mode-note');
  const ttls = Object.entries(settings.strategies)
    .map(([name, page]) => `${name} ${page?.lifetimeSeconds ?? '?'} s`)
    .join(', ');
  note.textContent = settings.demoMode
    ? `Short-TTL demo mode (${ttls}): press “Wait for expiry” to watch each credential die.`
    : `Lifetimes: ${ttls}. To watch credentials expire, ${SHORT_LIFETIMES_HINT}.`;
}

async function start() {
  document.getElementById('username').value = `demo-${randomText(6, LOWER)}`;
  document.getElementById('password').value = `pw-${randomText(12, LOWER)}`;
  document.getElementById('register-form').addEventListener('submit', register);

  await loadSettings();
  const status = document.getElementById('strategies-status');
  const strategies = await call('GET', '/strategies');
  if (!strategies.ok || !Array.isArray(strategies.body)) {
    setStatus(
      status,
      `Could not list the strategies: ${strategies.status} ${strategies.statusText}.`,
      'refused',
    );
  } else {
    const columns = strategies.body
      .filter((s) => s && typeof s.name === 'string')
      .map((s) => new StrategyColumn(s));
    document.getElementById('columns').replaceChildren(...columns.map((c) => c.element));
    setStatus(
      status,
      `${columns.length} ${columns.length === 1 ? 'strategy' : 'strategies'} mounted: ${columns.map((c) => c.name).join(', ')}.`,
      'ok',
    );
  }
  document.body.dataset.ready = 'true';
  // Asked only when the file exists: a 404 here would be an expected, but noisy, console error.
  const results = settings.benchmarks
    ? await call('GET', '/demo/benchmarks')
    : { ok: false, status: 404, statusText: 'Not Found', body: null };
  renderBenchmarks(document.getElementById('benchmarks-body'), results);
  document.body.dataset.benchmarks = 'true';
}

start().catch((error) => {
  // A bug in this page, not an API answer: say so where the user looks, and in the console.
  const status = document.getElementById('strategies-status');
  setStatus(
    status,
    `The page failed to start: ${error instanceof Error ? error.message : String(error)}`,
    'refused',
  );
  console.error(error);
});
