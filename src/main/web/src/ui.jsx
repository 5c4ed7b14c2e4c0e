// Shared pieces of every page: data loading, live refresh, fields with inline errors, empty and error states.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { listen } from './live.js';
import { formatAgo, formatTime } from './format.js';

export const Session = createContext({ me: null, can: () => false });
export const useSession = () => useContext(Session);

export function can(me, ability) {
  return !!me && (me.abilities.includes('*') || me.abilities.includes(ability));
}

/** GET a resource; reloads when `path`/`params` change and when reload() is called. Keeps the last data while reloading. */
export function useApi(path, params) {
  const [state, setState] = useState({ data: null, error: null, loading: !!path });
  const [version, setVersion] = useState(0);
  const key = path ? path + JSON.stringify(params || {}) : null;
  useEffect(() => {
    if (!key) return undefined;
    const abort = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api(path, { params, signal: abort.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => { if (error.name !== 'AbortError') setState((previous) => ({ data: previous.data, error, loading: false })); },
    );
    return () => abort.abort();
  }, [key, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}

/** Calls `onEvent` for every event on these channels (live, through the console stream). */
export function useChannels(channels, onEvent) {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = (channels || []).filter(Boolean).join(' ');
  useEffect(() => {
    if (!key) return undefined;
    const stops = key.split(' ').map((channel) => listen(channel, (item) => handler.current(item, channel)));
    return () => stops.forEach((stop) => stop());
  }, [key]);
}

/** A function that runs `callback` once, `wait` ms after the last call: many events, one reload. */
export function useDebounced(callback, wait = 300) {
  const timer = useRef(null);
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), wait);
  }, [wait]);
}

/** Runs `callback` every `ms` while the page is visible. */
export function useInterval(callback, ms, enabled = true) {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    if (!enabled || !ms) return undefined;
    const id = setInterval(() => { if (!document.hidden) latest.current(); }, ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
}

/** A component from a chunk loaded on first use (charts, highlighting, QR codes stay out of the first page). */
export function useLazy(load) {
  const [component, setComponent] = useState(null);
  useEffect(() => { load().then((module) => setComponent(() => module.default)); }, []);
  return component;
}

export function useTitle(title) {
  useEffect(() => { document.title = title ? `${title} · Agent Workspace` : 'Agent Workspace'; }, [title]);
}

export function Page({ title, subtitle, actions, children }) {
  useTitle(title);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>{title}</h1>
          {subtitle && <p class="subtitle">{subtitle}</p>}
        </div>
        {actions && <div class="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Card({ title, actions, children, id }) {
  const headingId = useId();
  return (
    <section class="card" aria-labelledby={title ? headingId : undefined} id={id}>
      {(title || actions) && (
        <header class="card-header">
          {title && <h2 id={headingId}>{title}</h2>}
          {actions && <div class="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Empty({ title, children }) {
  return (
    <div class="empty" role="status">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-body">{children}</div>}
    </div>
  );
}

export function ErrorNote({ error, onRetry, what }) {
  if (!error) return null;
  const status = error.status;
  const advice = status === 403 ? 'Your session lacks the ability this needs; ask an admin for a token that has it.'
    : status === 404 ? 'It may have been removed, or the link is wrong.'
      : status >= 500 || !status ? 'The server may be restarting; try again in a moment.' : null;
  return (
    <div class="error-note" role="alert">
      <p><strong>{what ? `Could not ${what}.` : 'Something went wrong.'}</strong> {error.message}</p>
      {advice && <p class="hint">{advice}</p>}
      {onRetry && <button type="button" class="secondary" onClick={onRetry}>Try again</button>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }) {
  return <p class="loading" role="status" aria-live="polite">{label}</p>;
}

/** A labelled control with its hint and its inline error (from a problem+json `errors` entry). */
export function Field({ label, error, hint, children, id: given, wide }) {
  const generated = useId();
  const id = given || generated;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const control = typeof children === 'function' ? children({ id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined }) : children;
  return (
    <div class={`field${error ? ' invalid' : ''}${wide ? ' wide' : ''}`}>
      <label for={id}>{label}</label>
      {control}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function Time({ iso, relative }) {
  if (!iso) return <span class="muted">—</span>;
  return <time datetime={iso} title={formatTime(iso)}>{relative ? formatAgo(iso) : formatTime(iso)}</time>;
}

const STATE_CLASS = {
  queued: 'info', starting: 'info', running: 'active', succeeded: 'ok', failed: 'bad', cancelled: 'muted',
  timed_out: 'bad', interrupted: 'warn', ready: 'ok', cloning: 'active', clone_failed: 'bad', requested: 'active',
  created: 'ok', deleted: 'muted', live: 'ok', rebuilding: 'active', errored: 'bad', stopped: 'warn', building: 'active',
  switching: 'active', done: 'ok', abandoned: 'warn', pending: 'info', paired: 'ok', revoked: 'muted', expired: 'muted',
  active: 'ok', intact: 'ok', broken: 'bad',
};

export function StateBadge({ state }) {
  return <span class={`badge ${STATE_CLASS[state] || 'info'}`}>{String(state || '').replace('_', ' ')}</span>;
}

export function Pager({ total, limit, offset, onChange }) {
  if (!total || total <= limit) return total ? <p class="pager-summary muted">{total} in all</p> : null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.ceil(total / limit);
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>Previous</button>
      <span aria-live="polite">Page {page} of {pages} ({total} in all)</span>
      <button type="button" class="secondary" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>Next</button>
    </nav>
  );
}

/** A button that asks first, in a modal dialog (Escape or Cancel closes it). */
export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, danger, disabled, class: className }) {
  const dialog = useRef(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const open = () => { setError(null); dialog.current.showModal(); };
  const confirm = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.current.close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={className || (danger ? 'danger' : 'secondary')} disabled={disabled} onClick={open}>{label}</button>
      <dialog ref={dialog} class="confirm" aria-labelledby={`${title}-title`.replace(/\W/g, '-')}>
        <form method="dialog" onSubmit={confirm}>
          <h2 id={`${title}-title`.replace(/\W/g, '-')}>{title}</h2>
          <div class="dialog-body">{children}</div>
          <ErrorNote error={error} />
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={() => dialog.current.close()}>Cancel</button>
            <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>{busy ? 'Working…' : (confirmLabel || label)}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}

export function CopyButton({ text, label = 'Copy' }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 2000);
    } catch (denied) {
      setDone(false);
    }
  };
  return <button type="button" class="secondary" onClick={copy} aria-live="polite">{done ? 'Copied' : label}</button>;
}

/** A table of records: `columns` are header labels (`{ label, num: true }` for a number column). */
export function DataTable({ id, columns, children }) {
  return (
    <div class="table-wrap">
      <table class="data" id={id}>
        <thead>
          <tr>{columns.filter(Boolean).map((column) => (typeof column === 'string'
            ? <th scope="col" key={column}>{column}</th>
            : <th scope="col" key={column.label} class={column.num ? 'num' : undefined}>{column.label}</th>))}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A form's submission: busy while `action` runs, its refusal kept as `error` (with the problem's field errors). */
export function useSubmit(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const latest = useRef(action);
  latest.current = action;
  const submit = async (event) => {
    if (event) event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await latest.current();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fields: (error && error.fields) || {}, submit, setError };
}

/** Cancel and submit, at the end of a form. */
export function FormActions({ onCancel, busy, label, busyLabel }) {
  return (
    <div class="form-actions">
      {onCancel && <button type="button" class="secondary" onClick={onCancel}>Cancel</button>}
      <button type="submit" class="primary" disabled={busy}>{busy ? busyLabel || 'Working…' : label}</button>
    </div>
  );
}

/** A short message after an action, read out by screen readers. */
export function Notice({ notice }) {
  return <p class={`notice ${notice ? notice.kind || 'ok' : ''}`} role="status" aria-live="polite">{notice ? notice.text : ''}</p>;
}
