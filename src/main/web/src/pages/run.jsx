import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api.js';
import { listen } from '../live.js';
import { Card, ConfirmButton, ErrorNote, Loading, Notice, Page, StateBadge, Time, useApi, useDebounced, useInterval, useSession } from '../ui.jsx';
import { formatCost, formatDuration, formatNumber, formatTime, shortId } from '../format.js';

const ENDED = ['succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted'];

export function Run() {
  const { params } = useRoute();
  const session = useSession();
  const location = useLocation();
  const id = params.id;
  const run = useApi(`/api/runs/${id}`);
  const project = useApi(run.data && session.can('projects:read') ? `/api/projects/${run.data.projectId}` : null);
  const reload = useDebounced(run.reload, 200);
  const [notice, setNotice] = useState(null);
  // the console may tell of a transition a moment before the runs read model has it: ask again until it ends
  const ended = run.data && ENDED.includes(run.data.state);
  useInterval(run.reload, 1500, !!run.data && !ended);

  if (run.error && !run.data) return <Page title="Run"><ErrorNote error={run.error} what="load this run" onRetry={run.reload} /></Page>;
  if (!run.data) return <Page title="Run"><Loading /></Page>;
  const r = run.data;
  const cancel = async () => {
    await api(`/api/runs/${id}/cancel`, { method: 'POST' });
    setNotice({ text: 'Cancel requested: the run stops within a second.' });
    run.reload();
  };
  const retry = async () => {
    const accepted = await api(`/api/runs/${id}/retry`, { method: 'POST' });
    location.route(`/runs/${accepted.id}`);
  };
  return (
    <Page title={`Run ${shortId(r.id)}`}
      subtitle={<>{r.provider} · {r.model} on {project.data ? <a href={`/projects/${r.projectId}`}>{project.data.name}</a> : shortId(r.projectId)} · {r.queue}</>}
      actions={<>
        <span id="run-state" data-state={r.state}><StateBadge state={r.state} /></span>
        {session.can('runs:write') && !ended && (
          <ConfirmButton label="Cancel run" title="Cancel this run?" danger disabled={!!r.cancelRequestedAt} onConfirm={cancel}>
            <p>The agent is stopped; what it wrote so far stays in the workspace.</p>
          </ConfirmButton>
        )}
        {session.can('runs:write') && ended && (
          <ConfirmButton label="Retry" title="Run it again?" onConfirm={retry}>
            <p>A new run is queued with the same project, queue, provider, model, prompt and limits.</p>
          </ConfirmButton>
        )}
      </>}>
      <Notice notice={notice} />
      <div class="run-grid">
        <Card title="Timeline">
          <dl class="facts">
            <div><dt>Queued</dt><dd><Time iso={r.queuedAt} /></dd></div>
            <div><dt>Started</dt><dd><Time iso={r.startedAt} /></dd></div>
            <div><dt>Finished</dt><dd><Time iso={r.finishedAt} /></dd></div>
            <div><dt>Waited</dt><dd>{formatDuration(r.waitMs)}</dd></div>
            <div><dt>Attempt</dt><dd>{r.attempt}{r.interruptions ? ` (${r.interruptions} interruption${r.interruptions > 1 ? 's' : ''})` : ''}</dd></div>
            {r.retryOf && <div><dt>Retry of</dt><dd><a href={`/runs/${r.retryOf}`}>{shortId(r.retryOf)}</a></dd></div>}
            {r.cancelRequestedAt && <div><dt>Cancel asked</dt><dd><Time iso={r.cancelRequestedAt} /></dd></div>}
          </dl>
        </Card>
        <Card title="Summary">
          {r.summary ? (
            <dl class="facts" id="run-summary">
              <div><dt>Outcome</dt><dd>{r.summary.reason || r.state}</dd></div>
              <div><dt>Tokens</dt><dd>{formatNumber(r.summary.inputTokens)} in · {formatNumber(r.summary.outputTokens)} out</dd></div>
              <div><dt>Cost</dt><dd>{formatCost(r.summary.costUsd)}</dd></div>
              <div><dt>Duration</dt><dd>{formatDuration(r.summary.durationMs)}</dd></div>
              <div><dt>Turns · tool calls</dt><dd>{r.summary.turns} · {r.summary.toolCalls}</dd></div>
              <div><dt>Files changed</dt><dd>{r.summary.filesChangedCount}
                {r.summary.filesChanged.length > 0 && (
                  <ul class="files-changed">{r.summary.filesChanged.map((file) => (
                    <li key={file}><a class="mono small" href={`/projects/${r.projectId}?tab=files&path=${encodeURIComponent(file)}`}>{file}</a></li>
                  ))}</ul>
                )}</dd></div>
            </dl>
          ) : <p class="muted">The summary appears when the run ends.</p>}
        </Card>
      </div>
      <details class="card prompt">
        <summary>Prompt</summary>
        <pre class="code">{r.prompt}</pre>
      </details>
      {session.can('console:subscribe')
        ? <Console channel={r.channel} onLifecycle={reload} />
        : <Card title="Console"><p class="muted">Your session cannot subscribe to the console (console:subscribe).</p></Card>}
    </Page>
  );
}

// Past this many lines, the oldest leave the page (the whole history stays in the console log).
const MAX_LINES = 20000;
const STREAMED = ['run.output', 'run.tool-call', 'run.tool-result'];

/**
 * The run's console: everything on private-run.{id} in id order, output as it streams, tool calls and results,
 * lifecycle lines. Written straight to the DOM once per animation frame, as one block per line, so appending costs
 * the new lines' layout only, however long the console already is.
 */
function Console({ channel, onLifecycle }) {
  const host = useRef(null);
  const [stats, setStats] = useState({ count: 0, dropped: 0 });
  const follow = useRef(true);
  const lifecycle = useRef(onLifecycle);
  lifecycle.current = onLifecycle;

  useEffect(() => {
    const pending = [];
    let frame = 0;
    let count = 0;
    let dropped = 0;
    const element = host.current;
    element.textContent = '';
    const writer = new ConsoleWriter(element);
    const flush = () => {
      frame = 0;
      let sawLifecycle = false;
      for (const item of pending) {
        writer.write(item);
        if (item.event.startsWith('run.') && !STREAMED.includes(item.event)) sawLifecycle = true;
      }
      count += pending.length;
      const last = pending.length ? pending[pending.length - 1].id : null;
      pending.length = 0;
      writer.commit();
      while (element.childElementCount > MAX_LINES) {
        element.firstElementChild.remove();
        dropped++;
      }
      if (last !== null) {
        element.dataset.lastSeq = String(last);
        element.dataset.count = String(count);
      }
      if (follow.current) element.scrollTop = element.scrollHeight;
      setStats({ count, dropped });
      if (sawLifecycle) lifecycle.current();
    };
    const stop = listen(channel, (item) => {
      pending.push(item);
      if (!frame) frame = requestAnimationFrame(flush);
    }, { history: true });
    const onScroll = () => { follow.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40; };
    element.addEventListener('scroll', onScroll);
    return () => { stop(); cancelAnimationFrame(frame); element.removeEventListener('scroll', onScroll); };
  }, [channel]);

  return (
    <Card title="Console" actions={<span class="muted small" aria-live="off">{formatNumber(stats.count)} events
      {stats.dropped ? ` (${formatNumber(stats.dropped)} oldest lines not shown)` : ''}</span>}>
      <div class="console" id="console" ref={host} role="log" aria-label="Run console" tabIndex={0} data-count="0" />
    </Card>
  );
}

/**
 * Lays events out as lines: streamed output continues the open line until a newline ends it; tool calls, results
 * and lifecycle events are lines of their own. Every event's first node carries its id (data-seq) and name.
 */
class ConsoleWriter {
  constructor(element) {
    this.element = element;
    this.fragment = document.createDocumentFragment();
    this.open = null;
  }

  write(item) {
    if (item.event === 'run.output' && !item.gap) {
      const pieces = String(item.data.text).split(/(?<=\n)/);
      pieces.forEach((piece, index) => {
        const span = document.createElement('span');
        span.textContent = piece;
        if (index === 0) this.mark(span, item);
        this.line().appendChild(span);
        if (piece.endsWith('\n')) this.open = null;
      });
      return;
    }
    this.open = null;
    const line = this.line();
    this.open = null;
    line.className = `line ${lineClass(item)}`;
    line.textContent = lineText(item);
    this.mark(line, item);
  }

  mark(node, item) {
    node.dataset.seq = String(item.id);
    node.dataset.event = item.event;
  }

  line() {
    if (!this.open) {
      this.open = document.createElement('div');
      this.open.className = 'line';
      this.fragment.appendChild(this.open);
    }
    return this.open;
  }

  /** Puts what was written since the last commit on the page; an open line stays open for the next output. */
  commit() {
    this.element.appendChild(this.fragment);
  }
}

function lineClass(item) {
  if (item.event === 'run.tool-call') return 'tool-call';
  if (item.event === 'run.tool-result') return `tool-result ${item.data.ok ? 'ok' : 'bad'}`;
  return item.gap ? 'gap' : 'lifecycle';
}

function lineText(item) {
  const { event, data } = item;
  if (event === 'run.tool-call') return `▶ ${data.name} ${data.arguments || ''}`;
  if (event === 'run.tool-result') return `◀ ${data.name} ${data.ok ? 'ok' : 'failed'}: ${data.output || ''}`;
  if (item.gap) return '… older events were removed by retention …';
  const at = data && (data.finishedAt || data.startedAt || data.startingAt || data.queuedAt || data.requestedAt);
  return `— ${event.replace(/^run\./, 'run ')}${at ? ` at ${formatTime(at)}` : ''}${lifecycleDetail(event, data)}`;
}

function lifecycleDetail(event, data) {
  if (!data) return '';
  if (data.summary && data.summary.reason) return `: ${data.summary.reason}`;
  if (data.reason) return `: ${data.reason}`;
  if (event === 'run.starting' && data.attempt) return ` (attempt ${data.attempt})`;
  return '';
}
