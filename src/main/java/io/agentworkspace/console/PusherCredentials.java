package io.agentworkspace.console;

/**
 * The Pusher app this server is: its id, its public key, and the secret that signs channel authorizations and
 * HTTP API requests. Read through this one interface so the secret can move to the secret store.
 */
public interface PusherCredentials {

    String appId();

    String key();

    /** Never logged, never returned by any endpoint. */
    String secret();
}
