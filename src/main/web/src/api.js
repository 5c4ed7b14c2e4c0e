// The one way the Control Center talks to the API: same-origin fetch with the session cookie, the CSRF header on
// every change, and problem+json errors turned into ApiError (with the field errors for inline messages).

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
    this.type = (this.problem.type || '').replace('/problems/', '');
    this.fields = {};
    for (const error of this.problem.errors || []) {
      if (error.field && !this.fields[error.field]) this.fields[error.field] = error.message;
    }
  }
}

export function csrfToken() {
  const cookie = document.cookie.split('; ').find((entry) => entry.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : null;
}

/** The CSRF cookie comes with the page; a tab left open past its life fetches the page again to get a new one. */
export async function ensureCsrf() {
  if (!csrfToken()) await fetch('/sign-in', { credentials: 'same-origin', cache: 'no-store' });
  return csrfToken();
}

const unauthenticatedListeners = new Set();
export function onUnauthenticated(listener) {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function api(path, { method = 'GET', body, params, signal, form } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const changes = method !== 'GET' && method !== 'HEAD';
  if (changes) headers['X-XSRF-TOKEN'] = (await ensureCsrf()) || '';
  let payload;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path + query(params), { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store', signal });
  const type = response.headers.get('Content-Type') || '';
  const json = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && path !== '/api/session') unauthenticatedListeners.forEach((listener) => listener(error));
    throw error;
  }
  if (response.status === 204) return null;
  return json !== null ? json : response.text();
}

export const get = (path, params, signal) => api(path, { params, signal });
export const post = (path, body) => api(path, { method: 'POST', body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const del = (path) => api(path, { method: 'DELETE' });
