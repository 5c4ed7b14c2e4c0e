package io.agentworkspace.infrastructure.web;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.LifecyclePhases;

/**
 * Keeps the instance serving for {@code agent.shutdown.proxy-grace} after it is told to stop, before anything else
 * stops. A deploy switches the proxy to the new instance and then stops the old one at once (deploy/slots.sh), but
 * a proxy's reload is asynchronous: its old workers still hand this instance the requests they had read. Closing the
 * listener first would fail those with a 502; during the grace they are served, and new connections already reach
 * the new instance. 0 on the embedded default (no proxy switch), 2 s on the production profile.
 */
@Component
class ProxySwitchGrace implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProxySwitchGrace.class);

    private final Duration grace;
    private volatile boolean running;

    ProxySwitchGrace(ShutdownSettings settings) {
        this.grace = settings.proxyGrace();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (grace.isZero()) {
            return;
        }
        log.info("stopping: still serving for {} ms while the proxy moves to the new instance", grace.toMillis());
        try {
            Thread.sleep(grace.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.PROXY_SWITCH_GRACE;
    }
}
