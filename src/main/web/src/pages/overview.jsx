import { Card, Empty, ErrorNote, Loading, Page, StateBadge, Time, useApi, useChannels, useDebounced, useInterval, useLazy, useSession, DataTable } from '../ui.jsx';
import { formatDuration, formatNumber, shortId } from '../format.js';
import { useProjectChannels } from '../live-lists.js';

const loadChart = () => import('./queue-chart.jsx');

/** Horizon-like: every queue's figures, the last hour as a chart, the newest runs; live through the console stream. */
export function Overview() {
  const session = useSession();
  const QueueChart = useLazy(loadChart);
  const queues = useApi('/api/queues');
  const history = useApi('/api/queues/history', { minutes: 60 });
  const runs = useApi('/api/runs', { limit: 10 });
  const reload = useDebounced(() => { queues.reload(); runs.reload(); history.reload(); }, 400);
  useChannels(useProjectChannels(session), (item) => { if (item.event.startsWith('run.') || item.event.startsWith('project.')) reload(); });
  useInterval(reload, session.can('console:subscribe') ? 30000 : 5000);

  return (
    <Page title="Overview" subtitle="Queues, throughput and the newest runs, updated live.">
      <Card title="Queues">
        {queues.error && <ErrorNote error={queues.error} what="load the queues" onRetry={queues.reload} />}
        {!queues.data && !queues.error && <Loading />}
        {queues.data && (
          <DataTable id="queues" columns={['Queue', { label: 'Pending', num: true }, { label: 'Running', num: true }, { label: 'Concurrency', num: true }, { label: 'Wait p50', num: true }, { label: 'Wait p95', num: true }, { label: 'Throughput /min', num: true }, { label: 'Failures (1 h)', num: true }]}>
                {queues.data.queues.map((queue) => (
                  <tr key={queue.name} data-queue={queue.name}>
                    <th scope="row"><a href={`/runs?queue=${queue.name}`}>{queue.name}</a></th>
                    <td class="num" data-figure="pending">{queue.pending}</td>
                    <td class="num" data-figure="running">{queue.running}</td>
                    <td class="num">{queue.concurrency}</td>
                    <td class="num">{formatDuration(queue.waitP50Ms)}</td>
                    <td class="num">{formatDuration(queue.waitP95Ms)}</td>
                    <td class="num">{formatNumber(queue.throughputPerMinute, 1)}</td>
                    <td class={`num${queue.failuresLastHour ? ' bad-text' : ''}`}>{queue.failuresLastHour}</td>
                  </tr>
                ))}
          </DataTable>
        )}
      </Card>
      <Card title="The last hour">
        {history.error && <ErrorNote error={history.error} what="load the queue history" onRetry={history.reload} />}
        {history.data && QueueChart ? <QueueChart history={history.data} /> : !history.error && <Loading />}
      </Card>
      <Card title="Newest runs" actions={session.can('runs:write') && <a class="button primary" href="/runs?new=1">Start a run</a>}>
        {runs.error && <ErrorNote error={runs.error} what="load the runs" onRetry={runs.reload} />}
        {runs.data && runs.data.items.length === 0 && (
          <Empty title="No runs yet.">
            {session.can('runs:write') ? <p>Register a project, then <a href="/runs?new=1">start a run</a> on it.</p>
              : <p>Runs appear here as soon as someone starts one.</p>}
          </Empty>
        )}
        {runs.data && runs.data.items.length > 0 && <RunTable runs={runs.data.items} />}
      </Card>
    </Page>
  );
}

export function RunTable({ runs, projects }) {
  return (
    <DataTable id="runs" columns={['Run', 'State', 'Queue', 'Provider', 'Prompt', 'Queued', { label: 'Duration', num: true }]}>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-state={run.state}>
              <th scope="row"><a href={`/runs/${run.id}`}>{shortId(run.id)}</a>{projects && projects[run.projectId] &&
                <span class="muted small"> · {projects[run.projectId]}</span>}</th>
              <td><StateBadge state={run.state} /></td>
              <td>{run.queue}</td>
              <td>{run.provider}{run.model && run.model !== run.provider ? ` · ${run.model}` : ''}</td>
              <td class="prompt-cell" title={run.promptPreview}>{run.promptPreview}</td>
              <td><Time iso={run.queuedAt} relative /></td>
              <td class="num">{formatDuration(run.summary ? run.summary.durationMs : null)}</td>
            </tr>
          ))}
    </DataTable>
  );
}
