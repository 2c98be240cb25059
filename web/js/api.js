// api.js - the one way the UI talks to bmis serve. Every call sends the session cookie
// (same origin), the X-CSRF-Token header on unsafe methods, and turns an error answer into an
// ApiError carrying the RFC 9457 problem (detail, errors[] with field/line) for problemView().
import { h } from './dom.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;
let onUnauthenticated = null;

export function setCsrf(token) { csrfToken = token || null; }
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

export class ApiError extends Error {
  constructor(status, problem, path) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.path = path;
  }
  get notFound() { return this.status === 404; }
}

// api('GET', '/api/v1/me') -> parsed JSON. body: an object (sent as JSON), or a Blob/ArrayBuffer
// (sent as is, for uploads). opts.quiet401: do not bounce to the sign-in screen (the sign-in call).
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    headers['Content-Type'] = 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { title: 'No connection', detail: `the server did not answer (${e.message}); check the network and try again` }, path);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 300) }; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, path);
    if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

// Query string from an object, skipping empty values.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

// An error rendered for people: the problem's detail, then one line per finding (field, line).
// notFoundText replaces the server's words when an endpoint this UI expects is not there yet.
export function problemView(err, { notFoundText } = {}) {
  if (!(err instanceof ApiError)) return h('div', { class: 'problem', role: 'alert' }, h('strong', {}, 'Error: '), String(err && err.message));
  if (err.status === 404 && notFoundText) {
    return h('div', { class: 'problem unavailable', role: 'status' }, h('strong', {}, 'Not available: '), notFoundText,
      h('span', { class: 'muted' }, ` (${err.path} answered 404)`));
  }
  const p = err.problem || {};
  const title = err.status === 403 && p.type && p.type.endsWith(':forbidden') ? 'Not permitted' : (p.title || `Error ${err.status}`);
  const items = Array.isArray(p.errors) ? p.errors : [];
  return h('div', { class: 'problem', role: 'alert' },
    h('strong', {}, `${title}: `), p.detail || err.message,
    items.length ? h('ul', { class: 'problem-errors' }, items.map((e) => h('li', {},
      e.line != null ? h('span', { class: 'loc' }, `line ${e.line}${e.column != null ? `, column ${e.column}` : ''}`) : null,
      e.field ? h('span', { class: 'loc' }, `field ${e.field}`) : null,
      e.message || ''))) : null,
    p.instance ? h('div', { class: 'muted small' }, `Reference: ${p.instance}`) : null);
}
