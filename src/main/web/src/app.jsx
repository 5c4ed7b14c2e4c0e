// The shell: who is signed in, the navigation (only what this session may use), the live status, the routes.
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Router, Route, useLocation } from 'preact-iso';
import { api, onUnauthenticated } from './api.js';
import { disconnect, liveStatus, onLiveStatus } from './live.js';
import { Session, can, Loading, ErrorNote } from './ui.jsx';
import { timeZone } from './format.js';
import { SignIn } from './pages/sign-in.jsx';
import { Overview } from './pages/overview.jsx';
import { Projects } from './pages/projects.jsx';
import { Project } from './pages/project.jsx';
import { Runs } from './pages/runs.jsx';
import { Run } from './pages/run.jsx';
import { Secrets } from './pages/secrets.jsx';
import { Tokens } from './pages/tokens.jsx';
import { Projections } from './pages/projections.jsx';
import { Audit } from './pages/audit.jsx';

const NAV = [
  { href: '/', label: 'Overview', ability: 'runs:read' },
  { href: '/projects', label: 'Projects', ability: 'projects:read' },
  { href: '/runs', label: 'Runs', ability: 'runs:read' },
  { href: '/secrets', label: 'Secrets', ability: 'secrets:read' },
  { href: '/tokens', label: 'Tokens & devices', ability: ['tokens:manage', 'devices:pair'] },
  { href: '/projections', label: 'Projections', ability: 'projections:read' },
  { href: '/audit', label: 'Audit', ability: 'events:read' },
];

export function App() {
  const [me, setMe] = useState(undefined);
  const [error, setError] = useState(null);
  const load = () => api('/api/session').then((state) => { setMe(state.signedIn ? state.me : null); setError(null); }, setError);
  useEffect(() => { load(); }, []);
  useEffect(() => onUnauthenticated(() => { disconnect(); setMe(null); }), []);

  if (me === undefined && !error) return <Loading label="Opening the Control Center…" />;
  if (error) return <main class="standalone"><ErrorNote error={error} what="reach the service" onRetry={load} /></main>;
  return (
    <LocationProvider>
      {me ? <Shell me={me} onSignedOut={() => { disconnect(); setMe(null); }} />
        : <SignIn onSignedIn={(who) => setMe(who)} />}
    </LocationProvider>
  );
}

function Shell({ me, onSignedOut }) {
  const session = { me, can: (ability) => can(me, ability) };
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.path]);
  useEffect(() => {
    if (location.path === '/sign-in') location.route('/', true);
  }, [location.path]);
  const signOut = async () => {
    try { await api('/api/session', { method: 'DELETE' }); } finally { onSignedOut(); }
  };
  const visible = NAV.filter((item) => [].concat(item.ability).some((ability) => session.can(ability)));
  const current = (href) => (href === '/' ? location.path === '/' : location.path.startsWith(href));
  return (
    <Session.Provider value={session}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href="/">Agent Workspace</a>
        <button type="button" class="menu-toggle secondary" aria-expanded={menuOpen} aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}>Menu</button>
        <nav id="nav" aria-label="Main" class={menuOpen ? 'open' : ''}>
          <ul>
            {visible.map((item) => (
              <li key={item.href}><a href={item.href} aria-current={current(item.href) ? 'page' : undefined}>{item.label}</a></li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <LiveStatus />
          <span class="who-name" title={`Abilities: ${me.abilities.join(', ')}; times shown in ${timeZone}`}>{me.name}</span>
          <button type="button" class="secondary" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main">
        <Router>
          <Route path="/" component={Overview} />
          <Route path="/projects" component={Projects} />
          <Route path="/projects/:id" component={Project} />
          <Route path="/runs" component={Runs} />
          <Route path="/runs/:id" component={Run} />
          <Route path="/secrets" component={Secrets} />
          <Route path="/tokens" component={Tokens} />
          <Route path="/projections" component={Projections} />
          <Route path="/audit" component={Audit} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </Session.Provider>
  );
}

function LiveStatus() {
  const [status, setStatus] = useState(liveStatus());
  useEffect(() => onLiveStatus(setStatus), []);
  const label = status === 'push' ? 'Live' : status === 'polling' ? 'Live (polling)' : 'Idle';
  return <span class={`live-status ${status}`} data-transport={status} role="status" aria-live="polite" title="How this page receives updates">{label}</span>;
}

function NotFound() {
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>There is no page at this address. <a href="/">Go to the overview</a>.</p>
    </section>
  );
}
