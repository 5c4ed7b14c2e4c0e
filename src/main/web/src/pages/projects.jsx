import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api.js';
import { Card, Empty, ErrorNote, Field, Loading, Notice, Page, Pager, StateBadge, Time, useApi, useChannels, useDebounced, useInterval, useSession, DataTable, useSubmit, FormActions } from '../ui.jsx';
import { useProjectChannels } from '../live-lists.js';

const LIMIT = 25;

export function Projects() {
  const session = useSession();
  const location = useLocation();
  const offset = Number(location.query.offset || 0);
  const projects = useApi('/api/projects', { limit: LIMIT, offset });
  const reload = useDebounced(projects.reload, 300);
  useChannels(useProjectChannels(session), (item) => { if (item.event.startsWith('project.')) reload(); });
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState(null);
  // the new project joins the list once the read model has it (its registration also arrives on private-ops)
  const listed = registered && projects.data && projects.data.items.some((p) => p.id === registered.id);
  useInterval(projects.reload, 500, !!registered && !listed);

  return (
    <Page title="Projects" subtitle="Git repositories, each cloned into a workspace of its own."
      actions={session.can('projects:write') && !registering &&
        <button type="button" class="primary" onClick={() => setRegistering(true)}>Register a project</button>}>
      {registering && <RegisterProject onDone={(project) => { setRegistering(false); if (project) setRegistered(project); }} />}
      <Notice notice={registered && { text: `${registered.name} is registered; its workspace is being cloned${listed ? '' : '…'}` }} />
      <Card>
        {projects.error && <ErrorNote error={projects.error} what="load the projects" onRetry={projects.reload} />}
        {!projects.data && !projects.error && <Loading />}
        {projects.data && projects.data.items.length === 0 && (
          <Empty title="No projects yet.">
            {session.can('projects:write') ? <p>Register one: give it a name and a git URL or a local repository path.</p>
              : <p>Someone with the projects:write ability can register one.</p>}
          </Empty>
        )}
        {projects.data && projects.data.items.length > 0 && (
          <DataTable id="projects" columns={['Name', 'Workspace', 'Source', 'Branch · head', 'Registered']}>
                {projects.data.items.map((project) => (
                  <tr key={project.id} data-project={project.id}>
                    <th scope="row"><a href={`/projects/${project.id}`}>{project.name}</a></th>
                    <td><StateBadge state={project.workspace.status} />
                      {project.workspace.failureReason && <span class="bad-text small"> {project.workspace.failureReason}</span>}</td>
                    <td class="mono small break">{project.source.location}</td>
                    <td class="mono small">{project.workspace.branch || '—'} · {project.workspace.headCommit ? project.workspace.headCommit.substring(0, 8) : '—'}</td>
                    <td><Time iso={project.registeredAt} relative /></td>
                  </tr>
                ))}
          </DataTable>
        )}
        {projects.data && <Pager total={projects.data.total} limit={LIMIT} offset={offset}
          onChange={(next) => location.route(`/projects?offset=${next}`)} />}
      </Card>
    </Page>
  );
}

function RegisterProject({ onDone }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('localPath');
  const [source, setSource] = useState('');
  const { busy, error, fields, submit } = useSubmit(async () => {
    onDone(await api('/api/projects', { method: 'POST', body: { name, [kind]: source } }));
  });
  const sourceError = fields[kind] || fields.gitUrl || fields.localPath;
  return (
    <Card title="Register a project">
      <form class="form-grid" onSubmit={submit} id="register-project">
        <Field label="Name" error={fields.name} hint="Unique; shown everywhere the project appears.">
          {(props) => <input {...props} name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />}
        </Field>
        <fieldset class="field">
          <legend>Source</legend>
          <label class="inline"><input type="radio" name="kind" value="localPath" checked={kind === 'localPath'} onChange={() => setKind('localPath')} /> Local repository path</label>
          <label class="inline"><input type="radio" name="kind" value="gitUrl" checked={kind === 'gitUrl'} onChange={() => setKind('gitUrl')} /> Git URL</label>
        </fieldset>
        <Field label={kind === 'gitUrl' ? 'Git URL' : 'Path on the server'} error={sourceError} wide
          hint={kind === 'gitUrl' ? 'https:// or ssh:// URL the server can clone.' : 'An absolute path to a git repository on the server.'}>
          {(props) => <input {...props} name="source" class="mono" value={source} onInput={(e) => setSource(e.currentTarget.value)} required />}
        </Field>
        {error && !Object.keys(fields).length && <ErrorNote error={error} what="register the project" />}
        <FormActions onCancel={() => onDone(null)} busy={busy} label="Register" busyLabel="Registering…" />
      </form>
    </Card>
  );
}
