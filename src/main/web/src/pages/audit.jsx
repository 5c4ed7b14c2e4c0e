import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, query } from '../api.js';
import { Card, Empty, ErrorNote, Field, Loading, Page, StateBadge, Time, useApi, DataTable } from '../ui.jsx';
import { formatNumber } from '../format.js';

/** The history for auditors: the chain's verification and checkpoints, and the events with filters, live if asked. */
export function Audit() {
  return (
    <Page title="Audit" subtitle="The immutable event history, chained so that tampering is detected.">
      <Chain />
      <EventBrowser />
    </Page>
  );
}

function Chain() {
  const report = useApi('/api/events/chain/verification');
  const checkpoints = useApi('/api/events/chain/checkpoints', { limit: 10 });
  const r = report.data;
  return (
    <Card title="Chain verification" actions={<button type="button" class="secondary" onClick={() => { report.reload(); checkpoints.reload(); }}>Verify now</button>}>
      {report.error && <ErrorNote error={report.error} what="verify the chain" onRetry={report.reload} />}
      {!r && !report.error && <Loading label="Verifying the chain…" />}
      {r && (
        <dl class="facts" id="chain" data-intact={String(r.intact)}>
          <div><dt>State</dt><dd><StateBadge state={r.intact ? 'intact' : 'broken'} /></dd></div>
          <div><dt>Verified</dt><dd>{formatNumber(r.verified)} events</dd></div>
          <div><dt>Not chained yet</dt><dd>{formatNumber(r.pending)}</dd></div>
          <div><dt>Head checkpoint</dt><dd class="mono small break">{r.head.chainSeq}:{r.head.hash}</dd></div>
          {r.firstBreak && <div><dt>First break</dt><dd class="bad-text">{r.firstBreak.problem} at chain position {r.firstBreak.chainSeq}: {r.firstBreak.detail}</dd></div>}
        </dl>
      )}
      {checkpoints.data && checkpoints.data.length > 0 && (
        <details>
          <summary>Stored checkpoints (keep a copy: a kept checkpoint proves what the history was)</summary>
          <ul class="mono small">{checkpoints.data.map((c) => <li key={c.chainSeq}>{c.chainSeq}:{c.hash} · <Time iso={c.createdAt} /></li>)}</ul>
        </details>
      )}
    </Card>
  );
}

const PAGE = 50;

function EventBrowser() {
  const location = useLocation();
  const initial = location.query;
  const [filters, setFilters] = useState({ aggregate: initial.aggregate || '', type: initial.type || '', from: '', to: '' });
  const [applied, setApplied] = useState(filters);
  const [events, setEvents] = useState([]);
  const [next, setNext] = useState(0);
  const [more, setMore] = useState(false);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const [follow, setFollow] = useState(false);
  const [open, setOpen] = useState(null);

  const params = (f, after) => ({
    after, aggregate: f.aggregate.trim(), type: f.type.trim(),
    from: f.from ? new Date(f.from).toISOString() : '', to: f.to ? new Date(f.to).toISOString() : '',
  });
  const load = async (f, after, append) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api('/api/events', { params: { ...params(f, after), limit: PAGE } });
      setEvents((previous) => (append ? [...previous, ...page.items] : page.items));
      setNext(page.next);
      setMore(page.items.length === PAGE);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => { load(applied, 0, false); }, [applied]);
  useEffect(() => {
    if (!follow) return undefined;
    // the NDJSON stream, under the session cookie: every event after the last one shown, then the new ones
    const abort = new AbortController();
    (async () => {
      const response = await fetch(`/api/events/stream${query({ ...params(applied, next), follow: true })}`, {
        headers: { Accept: 'application/x-ndjson' }, credentials: 'same-origin', signal: abort.signal,
      });
      if (!response.ok) throw new Error(`The stream answered ${response.status}.`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        const arrived = lines.filter((line) => line.trim()).map((line) => JSON.parse(line));
        if (arrived.length) {
          setEvents((previous) => [...previous, ...arrived.filter((e) => !previous.some((p) => p.position === e.position))]);
          setNext(arrived[arrived.length - 1].position);
        }
      }
    })().catch((failure) => { if (failure.name !== 'AbortError') { setError(failure); setFollow(false); } });
    return () => abort.abort();
  }, [follow, applied]);

  const fields = (error && error.fields) || {};
  const submit = (event) => { event.preventDefault(); setFollow(false); setApplied({ ...filters }); };
  return (
    <Card title="Events">
      <form class="filters" onSubmit={submit} aria-label="Filter events">
        <Field label="Aggregate id" error={fields.aggregate}>
          {(props) => <input {...props} name="aggregate" class="mono" value={filters.aggregate} onInput={(e) => setFilters({ ...filters, aggregate: e.currentTarget.value })} />}
        </Field>
        <Field label="Type" error={fields.type} hint="e.g. RunQueued">
          {(props) => <input {...props} name="type" value={filters.type} onInput={(e) => setFilters({ ...filters, type: e.currentTarget.value })} />}
        </Field>
        <Field label="From" error={fields.from}>
          {(props) => <input {...props} type="datetime-local" step="1" name="from" value={filters.from} onInput={(e) => setFilters({ ...filters, from: e.currentTarget.value })} />}
        </Field>
        <Field label="To" error={fields.to}>
          {(props) => <input {...props} type="datetime-local" step="1" name="to" value={filters.to} onInput={(e) => setFilters({ ...filters, to: e.currentTarget.value })} />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary">Show</button>
          <label class="inline"><input type="checkbox" name="follow" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow live</label>
        </div>
      </form>
      {error && !Object.keys(fields).length && <ErrorNote error={error} what="read the events" />}
      {!loading && events.length === 0 && !error && <Empty title="No events match these filters." />}
      {events.length > 0 && (
        <DataTable id="events" columns={[{ label: 'Position', num: true }, 'Type', 'Aggregate', { label: 'Seq', num: true }, 'Time']}>
              {events.map((event) => (
                <Fragment key={event.position}>
                  <tr data-position={event.position}>
                    <td class="num"><button type="button" class="link" aria-expanded={open === event.position ? 'true' : 'false'}
                      onClick={() => setOpen(open === event.position ? null : event.position)}>{event.position}</button></td>
                    <td>{event.type.substring(event.type.lastIndexOf('.') + 1)} <span class="muted small">r{event.revision}</span></td>
                    <td class="mono small break">{event.aggregateId}</td>
                    <td class="num">{event.sequence}</td>
                    <td><Time iso={event.timestamp} /></td>
                  </tr>
                  {open === event.position && (
                    <tr class="payload-row"><td colSpan={5}>
                      <pre class="code small">{JSON.stringify(event.payload, null, 2)}</pre>
                      <p class="muted small mono break">event {event.eventId} · chain {event.chainHash || 'not chained yet'}</p>
                    </td></tr>
                  )}
                </Fragment>
              ))}
        </DataTable>
      )}
      {loading && <Loading />}
      {more && !follow && <button type="button" class="secondary" onClick={() => load(applied, next, true)}>Load more</button>}
      {follow && <p class="muted small" role="status">Following: new events appear at the end.</p>}
    </Card>
  );
}
