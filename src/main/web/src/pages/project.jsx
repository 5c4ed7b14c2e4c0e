import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api.js';
import { presence } from '../live.js';
import { Card, Empty, ErrorNote, Loading, Notice, Page, StateBadge, Time, useApi, useChannels, useDebounced, useInterval, useSession } from '../ui.jsx';
import { Files } from './files.jsx';
import { GitHistory } from './git-history.jsx';
import { Snapshots } from './snapshots.jsx';
import { RunTable } from './overview.jsx';

const TABS = [
  { id: 'files', label: 'Files' },
  { id: 'history', label: 'History' },
  { id: 'snapshots', label: 'Snapshots', ability: 'snapshots:read' },
  { id: 'runs', label: 'Runs', ability: 'runs:read' },
];

export function Project() {
  const { params } = useRoute();
  const location = useLocation();
  const session = useSession();
  const id = params.id;
  const tab = location.query.tab || 'files';
  const project = useApi(`/api/projects/${id}`);
  const [changed, setChanged] = useState(0);
  const reload = useDebounced(() => { project.reload(); setChanged((n) => n + 1); }, 300);
  useChannels(session.can('console:subscribe') ? [`private-project.${id}`] : [], () => reload());
  // a project registered a moment ago is in the read model a moment later
  const [waited, setWaited] = useState(0);
  const missing = project.error && project.error.status === 404 && !project.data && waited < 20;
  useInterval(() => { setWaited((n) => n + 1); project.reload(); }, 500, missing);

  if (project.error && !project.data && !missing) {
    return <Page title="Project"><ErrorNote error={project.error} what="load this project" onRetry={project.reload} /></Page>;
  }
  if (!project.data) return <Page title="Project"><Loading /></Page>;
  const p = project.data;
  const ready = p.workspace.status === 'ready';
  return (
    <Page title={p.name} subtitle={<span class="mono break">{p.source.location}</span>}
      actions={<>{session.can('console:subscribe') && <Watchers projectId={id} />}
        {session.can('projects:write') && ready && <PullButton projectId={id} onPulled={reload} />}
        {session.can('runs:write') && ready && <a class="button primary" href={`/runs?new=1&project=${id}`}>Start a run</a>}</>}>
      <Card>
        <dl class="facts">
          <div><dt>Workspace</dt><dd><StateBadge state={p.workspace.status} />
            {p.workspace.failureReason && <span class="bad-text"> {p.workspace.failureReason}</span>}</dd></div>
          <div><dt>Branch</dt><dd class="mono">{p.workspace.branch || '—'}</dd></div>
          <div><dt>Head</dt><dd class="mono">{p.workspace.headCommit ? p.workspace.headCommit.substring(0, 12) : '—'}</dd></div>
          <div><dt>Cloned</dt><dd><Time iso={p.workspace.clonedAt} /></dd></div>
          <div><dt>Registered</dt><dd><Time iso={p.registeredAt} /></dd></div>
        </dl>
      </Card>
      {p.workspace.status === 'cloning' && <Empty title="The workspace is being cloned.">This page updates when it is ready.</Empty>}
      {p.workspace.status === 'clone_failed' && <Empty title="The clone failed.">Check the source above; register the project again with a reachable one.</Empty>}
      {ready && (
        <>
          <nav class="tabs" aria-label="Project sections">
            {TABS.filter((t) => !t.ability || session.can(t.ability)).map((t) => (
              <a key={t.id} href={`/projects/${id}?tab=${t.id}`} aria-current={tab === t.id ? 'page' : undefined}>{t.label}</a>
            ))}
          </nav>
          {tab === 'files' && <Files projectId={id} path={location.query.path || ''} changed={changed} />}
          {tab === 'history' && <GitHistory projectId={id} commit={location.query.commit} changed={changed} />}
          {tab === 'snapshots' && <Snapshots projectId={id} changed={changed} />}
          {tab === 'runs' && <ProjectRuns projectId={id} changed={changed} />}
        </>
      )}
    </Page>
  );
}

/** Who else has this project open: the presence-project.{id} channel. */
function Watchers({ projectId }) {
  const [state, setState] = useState({ members: [], me: null });
  useEffect(() => presence(`presence-project.${projectId}`, (members, me) => setState({ members, me })), [projectId]);
  const others = state.members.filter((member) => member.id !== state.me);
  return (
    <div class="watchers" id="watchers" data-count={others.length} aria-live="polite">
      {others.length === 0 ? <span class="muted small">Only you are here</span>
        : <span class="small">Also here: {others.map((member) => member.name).join(', ')}</span>}
    </div>
  );
}

function PullButton({ projectId, onPulled }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const pull = async () => {
    setBusy(true);
    setNotice(null);
    try {
      const result = await api(`/api/projects/${projectId}/workspace/pull`, { method: 'POST' });
      setNotice({ kind: 'ok', text: result.updated ? `Pulled ${result.branch}: now at ${result.toCommit.substring(0, 8)}.` : `${result.branch} is up to date.` });
      onPulled();
    } catch (failure) {
      setNotice({ kind: 'bad', text: `Pull refused: ${failure.message}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="pull">
      <button type="button" class="secondary" disabled={busy} onClick={pull}>{busy ? 'Pulling…' : 'Pull from origin'}</button>
      <Notice notice={notice} />
    </span>
  );
}

function ProjectRuns({ projectId, changed }) {
  const runs = useApi('/api/runs', { project: projectId, limit: 25 });
  useEffect(() => { if (changed) runs.reload(); }, [changed]);
  return (
    <Card title="Runs of this project" actions={<a href={`/runs?project=${projectId}`}>All with filters</a>}>
      {runs.error && <ErrorNote error={runs.error} what="load the runs" onRetry={runs.reload} />}
      {runs.data && runs.data.items.length === 0 && <Empty title="No runs on this project yet." />}
      {runs.data && runs.data.items.length > 0 && <RunTable runs={runs.data.items} />}
    </Card>
  );
}
