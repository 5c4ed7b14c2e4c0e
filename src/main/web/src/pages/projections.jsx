import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Card, Empty, ErrorNote, Loading, Notice, Page, StateBadge, Time, useApi, useInterval, useSession, DataTable } from '../ui.jsx';
import { formatDuration, formatNumber } from '../format.js';

/** The read models: status, version, position and lag; a rebuild without downtime, with its progress and ETA. */
export function Projections() {
  const session = useSession();
  const projections = useApi('/api/projections');
  const [started, setStarted] = useState(null);
  const [error, setError] = useState(null);
  const rebuilding = projections.data && projections.data.some((p) => p.rebuild && ['building', 'switching'].includes(p.rebuild.state));
  useInterval(projections.reload, rebuilding ? 500 : 5000);
  const rebuild = async (name) => {
    setError(null);
    try {
      await api(`/api/projections/${name}/rebuild`, { method: 'POST' });
      setStarted(name);
      projections.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Page title="Projections" subtitle="The read models built from the event history, and their rebuilds.">
      <Notice notice={started && rebuildNotice(started, projections.data)} />
      <ErrorNote error={error} what="start the rebuild" />
      <Card>
        {projections.error && <ErrorNote error={projections.error} what="list the projections" onRetry={projections.reload} />}
        {!projections.data && !projections.error && <Loading />}
        {projections.data && projections.data.length === 0 && <Empty title="No projections." />}
        {projections.data && projections.data.length > 0 && (
          <DataTable id="projections" columns={['Projection', 'Status', 'Version', { label: 'Position', num: true }, { label: 'Lag', num: true }, 'Latest rebuild', 'Actions']}>
                {projections.data.map((p) => (
                  <tr key={p.name} data-projection={p.name} data-status={p.status}>
                    <th scope="row">{p.name}<div class="muted small mono">{p.tables.join(', ')}</div></th>
                    <td><StateBadge state={p.status} /></td>
                    <td>{p.version}{p.builtVersion !== null && p.builtVersion !== p.version ? ` (built by ${p.builtVersion})` : ''}</td>
                    <td class="num">{p.position < 0 ? '—' : formatNumber(p.position)}</td>
                    <td class={`num${p.lag > 1000 ? ' warn-text' : ''}`}>{formatNumber(p.lag)}</td>
                    <td>{p.rebuild ? <RebuildProgress rebuild={p.rebuild} /> : <span class="muted">never</span>}</td>
                    <td class="actions">
                      {session.can('projections:rebuild') && p.rebuildable && (
                        <button type="button" class="secondary" disabled={p.status === 'rebuilding'} onClick={() => rebuild(p.name)}>Rebuild</button>
                      )}
                      {!p.rebuildable && <span class="muted small">not rebuildable</span>}
                    </td>
                  </tr>
                ))}
          </DataTable>
        )}
      </Card>
    </Page>
  );
}

function rebuildNotice(name, projections) {
  const rebuild = ((projections || []).find((p) => p.name === name) || {}).rebuild;
  if (rebuild && rebuild.state === 'done') return { text: `${name} was rebuilt and switched in.` };
  if (rebuild && rebuild.failure) return { kind: 'bad', text: `The rebuild of ${name} ended ${rebuild.state}: ${rebuild.failure}` };
  return { text: `Rebuilding ${name}: the current model keeps serving until the new one is switched in.` };
}

function RebuildProgress({ rebuild }) {
  const running = ['building', 'switching'].includes(rebuild.state);
  const percent = rebuild.state === 'done' ? 100 : rebuild.head > 0 ? Math.min(100, Math.floor((Math.max(0, rebuild.position) / rebuild.head) * 100)) : 0;
  return (
    <div class="rebuild" data-state={rebuild.state}>
      <StateBadge state={rebuild.state} />
      {(running || rebuild.state === 'done') && (
        <progress max="100" value={percent} aria-label={`Rebuild ${percent}% done`}>{percent}%</progress>
      )}
      <span class="small">
        {running && ` ${percent}% · ${formatNumber(rebuild.processed)} events · ${formatNumber(rebuild.ratePerSecond)}/s · ETA ${rebuild.etaSeconds !== null ? formatDuration(rebuild.etaSeconds * 1000) : '—'}`}
        {!running && <> <Time iso={rebuild.finishedAt || rebuild.startedAt} relative />{rebuild.state === 'done' ? ` · ${formatNumber(rebuild.processed)} events` : ''}</>}
        {rebuild.failure && <span class="bad-text"> {rebuild.failure}</span>}
      </span>
    </div>
  );
}
