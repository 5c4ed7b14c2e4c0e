// Which channels make a list live: every project's channel carries its runs' lifecycle, private-ops the new
// projects and the failures. Projects are few; each is one subscription on the page's single socket.
import { useApi } from './ui.jsx';

export function useProjectChannels(session, extra = []) {
  const mayList = session.can('projects:read') && session.can('console:subscribe');
  const projects = useApi(mayList ? '/api/projects' : null, { limit: 200 });
  if (!session.can('console:subscribe')) return [];
  const ids = projects.data ? projects.data.items.map((project) => `private-project.${project.id}`) : [];
  return ['private-ops', ...ids, ...extra];
}
