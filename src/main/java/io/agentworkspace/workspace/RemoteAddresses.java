package io.agentworkspace.workspace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;
import org.eclipse.jgit.transport.HttpTransport;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Cidr;
import io.agentworkspace.infrastructure.InternalAddresses;

/**
 * Keeps clones and pulls away from the service's own network: a remote repository may not live on a private,
 * loopback, link-local, multicast or otherwise internal address (after DNS resolution), unless its network is in
 * {@code agent.projects.remote.allowed-networks}. Checked when a project is registered ({@link #checkHost}) and
 * again for every HTTP connection JGit opens while a clone or pull runs under {@link #guard}, redirects included
 * (JGit follows redirects itself, one connection per hop), so a public URL that redirects inward is refused too.
 */
@Component
public class RemoteAddresses {

    /** A refused address; JGit reports it as a transport failure of the clone or pull. */
    public static final class AddressNotAllowed extends IOException {
        AddressNotAllowed(String host) {
            super("the remote " + host + " resolves to an address this server may not reach");
        }
    }

    private static final ThreadLocal<RemoteAddresses> ACTIVE = new ThreadLocal<>();
    private static final RemoteAddresses STRICT = new RemoteAddresses(new RemoteSettings(List.of("https"), List.of()));

    static {
        HttpTransport.setConnectionFactory(new GuardedConnections(new JDKHttpConnectionFactory()));
    }

    private final RemoteSettings settings;
    private final List<Cidr> allowed;

    RemoteAddresses(RemoteSettings settings) {
        this.settings = settings;
        this.allowed = settings.allowedNetworks().stream().map(RemoteAddresses::network).toList();
    }

    public RemoteSettings settings() {
        return settings;
    }

    /** Whether a URL scheme ({@code https}, {@code ssh}, ...) is allowed for remote repositories. */
    public boolean schemeAllowed(String scheme) {
        return settings.schemes().stream().anyMatch(allowedScheme -> allowedScheme.equalsIgnoreCase(scheme));
    }

    /**
     * Resolves {@code host} and refuses it when any of its addresses is internal and not allowed. A host that does
     * not resolve passes: its clone fails later like any unreachable one. Blocking (DNS).
     */
    public void checkHost(String host) throws AddressNotAllowed {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException unknown) {
            return;
        }
        for (InetAddress address : addresses) {
            if (!allowed(address)) {
                throw new AddressNotAllowed(host);
            }
        }
    }

    /** Runs a clone or pull whose HTTP connections are checked against this policy. */
    public <T> T guard(Callable<T> work) throws Exception {
        RemoteAddresses previous = ACTIVE.get();
        ACTIVE.set(this);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        }
    }

    boolean allowed(InetAddress address) {
        if (allowed.stream().anyMatch(network -> network.contains(address))) {
            return true;
        }
        return !InternalAddresses.contains(address);
    }

    private static Cidr network(String cidr) {
        try {
            return Cidr.parse(cidr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("agent.projects.remote.allowed-networks: " + e.getMessage(), e);
        }
    }

    /** JGit's JDK connections, each first checked against the policy of the clone or pull that opens it. */
    private static final class GuardedConnections implements HttpConnectionFactory2 {

        private final HttpConnectionFactory2 delegate;

        GuardedConnections(HttpConnectionFactory2 delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpConnection create(URL url) throws IOException {
            check(url);
            return delegate.create(url);
        }

        @Override
        public HttpConnection create(URL url, Proxy proxy) throws IOException {
            check(url);
            return delegate.create(url, proxy);
        }

        @Override
        public GitSession newSession() {
            return delegate.newSession();
        }

        private static void check(URL url) throws IOException {
            RemoteAddresses policy = ACTIVE.get() != null ? ACTIVE.get() : STRICT;
            if (!policy.schemeAllowed(url.getProtocol().toLowerCase(Locale.ROOT))) {
                throw new IOException("the remote uses " + url.getProtocol() + ", which this server does not allow");
            }
            policy.checkHost(url.getHost());
        }
    }
}
